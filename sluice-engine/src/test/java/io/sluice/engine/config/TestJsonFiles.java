package io.sluice.engine.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestJsonFiles {
  @TempDir Path directory;

  @Test
  void missingFileIsNamed() {
    assertThatThrownBy(() -> JsonFiles.readObject(directory.resolve("nope.json")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("nope.json: the file does not exist");
  }

  @Test
  void emptyFileIsNamed() throws Exception {
    Path file = Files.writeString(directory.resolve("empty.json"), "  \n");
    assertThatThrownBy(() -> JsonFiles.readObject(file)).hasMessageContaining("empty.json: the file is empty");
  }

  @Test
  void syntaxErrorHasLineAndColumn() throws Exception {
    Path file = Files.writeString(directory.resolve("bad.json"), "{\n  \"host\": \"db\",\n  port: 5\n}");
    assertThatThrownBy(() -> JsonFiles.readObject(file))
        .hasMessageContaining("Cannot parse " + file + ": not valid JSON at line 3");
  }

  @Test
  void arrayIsNotAnObject() throws Exception {
    Path file = Files.writeString(directory.resolve("list.json"), "[1,2]");
    assertThatThrownBy(() -> JsonFiles.readObject(file)).hasMessageContaining("expected a JSON object ({...}), found array");
  }

  @Test
  void duplicateKeysAreRejected() throws Exception {
    Path file = Files.writeString(directory.resolve("dup.json"), "{\"a\":1,\"a\":2}");
    assertThatThrownBy(() -> JsonFiles.readObject(file)).hasMessageContaining("Duplicate field 'a'");
  }
}
