package io.sluice.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.spi.ConfigException;
import io.sluice.spi.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestStateStore {
  @TempDir Path directory;

  private static LoadProgress load() {
    var descriptor = JsonNodeFactory.instance.objectNode().put("from", 0).put("to", 100);
    return new LoadProgress("load-1", "abc", Instant.parse("2026-11-22T10:00:00Z"),
        List.of(new Split("pk:0-100", descriptor, 100), new Split("pk:100-", descriptor, 5)),
        ChunkSet.decode("0"), 100);
  }

  @Test
  void roundTripsThroughTheFile() {
    Path file = directory.resolve("state.json");
    StateStore.open(file).update("public.orders", s -> s.withLoad(load()));
    SyncState reread = StateStore.open(file).current();
    assertThat(reread.stream("public.orders").load()).contains(load());
    assertThat(directory.resolve(".state.json.tmp")).doesNotExist();
  }

  @Test
  void missingFileStartsEmptyAndIsNotCreatedByReading() {
    Path file = directory.resolve("new.json");
    assertThat(StateStore.open(file).current().streams()).isEmpty();
    assertThat(file).doesNotExist();
  }

  @Test
  void truncatedFileIsAnErrorNamingTheFile() throws Exception {
    Path file = directory.resolve("state.json");
    StateStore.open(file).update("public.orders", s -> s.withLoad(load()));
    String text = Files.readString(file);
    Files.writeString(file, text.substring(0, text.length() / 2));
    assertThatThrownBy(() -> StateStore.open(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("not valid JSON");
  }

  @Test
  void newerVersionIsRefused() throws Exception {
    Path file = Files.writeString(directory.resolve("state.json"), "{\"sluice_state_version\": 99, \"streams\": {}}");
    assertThatThrownBy(() -> StateStore.open(file)).hasMessageContaining("written by a newer Sluice");
  }

  @Test
  void handEditedDoneSetIsRefused() throws Exception {
    Path file = directory.resolve("state.json");
    StateStore.open(file).update("public.orders", s -> s.withLoad(load()));
    Files.writeString(file, Files.readString(file).replace("\"done\" : \"0\"", "\"done\" : \"zero\""));
    assertThatThrownBy(() -> StateStore.open(file)).hasMessageContaining("streams.public.orders.load.done");
  }
}
