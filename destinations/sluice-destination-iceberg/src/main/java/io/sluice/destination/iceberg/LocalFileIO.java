package io.sluice.destination.iceberg;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * A {@link FileIO} for a local-disk warehouse on {@code java.nio}, so Hadoop's FileSystem (and its
 * configuration, native-library probing and dependency tree) is never involved.
 *
 * <p>Locations are {@code file:} followed by the literal absolute path, the way Hadoop's {@code Path} prints
 * local files, so tables written here read back unchanged through Spark's or Trino's Hadoop file systems.
 * Plain absolute paths and {@code file:///} are accepted too. Paths are taken literally, never URL-decoded:
 * table and partition directory names may contain spaces and {@code %}.
 */
final class LocalFileIO implements FileIO {
  static final String LOCATION_SCHEME = "file:";

  @Override
  public InputFile newInputFile(String location) {
    return new LocalInputFile(location);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return new LocalOutputFile(location);
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(path(location));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + location + ": " + e.getMessage(), e);
    }
  }

  /** The local path a location names. */
  static Path path(String location) {
    return Path.of(stripScheme(location));
  }

  /** {@code file:///a/b}, {@code file:/a/b} and {@code /a/b} all become {@code /a/b}. */
  static String stripScheme(String location) {
    if (location.startsWith("file://")) {
      return location.substring("file://".length());
    }
    if (location.startsWith(LOCATION_SCHEME)) {
      return location.substring(LOCATION_SCHEME.length());
    }
    return location;
  }

  /** Reads through Iceberg's own local stream implementation but keeps the location exactly as given. */
  private static final class LocalInputFile implements InputFile {
    private final String location;
    private final InputFile file;

    LocalInputFile(String location) {
      this.location = location;
      this.file = org.apache.iceberg.Files.localInput(path(location).toFile());
    }

    @Override
    public long getLength() {
      try {
        return Files.size(path(location));
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "Cannot read %s: no such file", location);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the length of " + location + ": " + e.getMessage(), e);
      }
    }

    @Override
    public SeekableInputStream newStream() {
      return file.newStream();
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public boolean exists() {
      return Files.exists(path(location));
    }

    @Override
    public String toString() {
      return location;
    }
  }

  /**
   * A buffered file stream that forces its bytes, and the new directory entry, to disk on close. A commit
   * swaps the catalog's metadata pointer right after Iceberg closes the data, manifest and metadata files;
   * without the sync a power loss could leave the catalog pointing at files the disk never received.
   */
  private static final class SyncingOutputStream extends PositionOutputStream {
    private static final int BUFFER_BYTES = 64 * 1024;
    private final Path path;
    private final FileChannel channel;
    private final OutputStream out;
    private long position;
    private boolean closed;

    private SyncingOutputStream(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
    }

    static SyncingOutputStream open(Path path, boolean overwrite) {
      try {
        Files.createDirectories(path.getParent());
        FileChannel channel = overwrite
            ? FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)
            : FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new SyncingOutputStream(path, channel);
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException(e, "Cannot create %s: the file already exists", path);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + path + ": " + e.getMessage(), e);
      }
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      position++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      position += length;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (channel) {
        out.flush();
        channel.force(true);
      }
      syncDirectory(path.getParent());
    }

    private static void syncDirectory(Path directory) {
      // Linux persists a new directory entry only when the directory itself is synced; other systems may
      // refuse to open a directory for reading, and there the file sync is all that can be done.
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException | UnsupportedOperationException e) {
        // best effort, see above
      }
    }
  }

  private static final class LocalOutputFile implements OutputFile {
    private final String location;

    LocalOutputFile(String location) {
      this.location = location;
    }

    @Override
    public PositionOutputStream create() {
      return SyncingOutputStream.open(path(location), false);
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return SyncingOutputStream.open(path(location), true);
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public InputFile toInputFile() {
      return new LocalInputFile(location);
    }

    @Override
    public String toString() {
      return location;
    }
  }
}
