package io.sluice.testkit;

import org.apache.iceberg.Files;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/** The tests' own way to read a local warehouse: Iceberg's local files, no Hadoop file system. */
public final class LocalDiskFileIO implements FileIO {
  private static String path(String location) {
    // Iceberg writes "file:/path" with the path as is (spaces and all), so strip the scheme; do not parse a URI
    if (location.startsWith("file://")) {
      return location.substring("file://".length());
    }
    return location.startsWith("file:") ? location.substring("file:".length()) : location;
  }

  @Override
  public InputFile newInputFile(String location) {
    return Files.localInput(path(location));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return Files.localOutput(path(location));
  }

  @Override
  public void deleteFile(String location) {
    new java.io.File(path(location)).delete();
  }
}
