package io.sluice.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSourceIdentityCheck {
  @TempDir Path directory;

  @Test
  void aStateFileRemembersItsSourceAndRefusesAnother() throws Exception {
    Path file = directory.resolve("state.json");
    StateStore state = StateStore.open(file);
    SourceIdentityCheck.apply(state, "postgres://10.0.0.5:5432/shop", file.toString());
    assertThat(Files.readString(file)).contains("\"source\" : \"postgres://10.0.0.5:5432/shop\"");

    StateStore reopened = StateStore.open(file);
    SourceIdentityCheck.apply(reopened, "postgres://10.0.0.5:5432/shop", file.toString());
    String before = Files.readString(file);
    assertThatThrownBy(() -> SourceIdentityCheck.apply(StateStore.open(file), "postgres://10.0.0.6:5432/shop",
            file.toString()))
        .hasMessage("Cannot use state file " + file + ": it was written for source postgres://10.0.0.5:5432/shop, "
            + "and this sync's source is postgres://10.0.0.6:5432/shop; use that source's state file or a new one "
            + "(if it is the same database under another address, change 'source' in the state file)");
    assertThat(Files.readString(file)).as("unchanged").isEqualTo(before);
  }
}
