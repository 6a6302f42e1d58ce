package io.sluice.destination.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestLocalFileIO {
  private final LocalFileIO io = new LocalFileIO();

  @Test
  void writesReadsAndDeletesKeepingTheLocationAsGiven(@TempDir Path directory) throws IOException {
    String location = "file:" + directory + "/new dir/part=a%20b/data 1.parquet";
    OutputFile output = io.newOutputFile(location);
    try (PositionOutputStream out = output.create()) {
      out.write("héllo".getBytes(StandardCharsets.UTF_8));
      out.write('!');
      assertThat(out.getPos()).isEqualTo(7);
    }
    Path onDisk = directory.resolve("new dir").resolve("part=a%20b").resolve("data 1.parquet");
    assertThat(Files.readString(onDisk)).isEqualTo("héllo!");
    assertThat(output.location()).isEqualTo(location);

    InputFile input = io.newInputFile(location);
    assertThat(input.location()).isEqualTo(location);
    assertThat(input.exists()).isTrue();
    assertThat(input.getLength()).isEqualTo(7);
    try (InputStream in = input.newStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("héllo!");
    }

    io.deleteFile(location);
    assertThat(onDisk).doesNotExist();
    assertThat(input.exists()).isFalse();
    assertThatThrownBy(input::getLength).isInstanceOf(NotFoundException.class);
    io.deleteFile(location);
  }

  @Test
  void createRefusesAnExistingFileAndCreateOrOverwriteReplacesIt(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("metadata.json"), "old content");
    String location = "file://" + file;
    assertThatThrownBy(() -> io.newOutputFile(location).create()).isInstanceOf(AlreadyExistsException.class);
    try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write("new".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Files.readString(file)).isEqualTo("new");
  }

  @Test
  void acceptsTheThreeSpellingsOfALocalPath() {
    assertThat(LocalFileIO.path("file:///a/b c")).isEqualTo(Path.of("/a/b c"));
    assertThat(LocalFileIO.path("file:/a/b c")).isEqualTo(Path.of("/a/b c"));
    assertThat(LocalFileIO.path("/a/b%20c")).isEqualTo(Path.of("/a/b%20c"));
  }
}
