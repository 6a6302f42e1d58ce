package io.sluice.engine.state;

import io.sluice.engine.config.JsonFiles;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * The state file. Never edited in place: every save writes a temporary file next to it, forces it to disk,
 * renames it over the old one (atomic on POSIX file systems) and forces the directory, so after a crash the
 * file holds either the old or the new state, whole.
 *
 * <p>Thread-safe: streams running in parallel update their own entries through {@link #update}.
 */
public final class StateStore {
  private final Path file;
  private SyncState current;

  private StateStore(Path file, SyncState current) {
    this.file = file;
    this.current = current;
  }

  /**
   * Opens the state file, or starts empty when it does not exist yet.
   *
   * @throws io.sluice.spi.ConfigException naming the file when it exists but is damaged, or newer than this Sluice
   */
  public static StateStore open(Path file) {
    Path absolute = file.toAbsolutePath();
    if (!Files.exists(absolute)) {
      return new StateStore(absolute, SyncState.EMPTY);
    }
    return new StateStore(absolute, StateCodec.decode(JsonFiles.readObject(absolute), file.toString()));
  }

  public synchronized SyncState current() {
    return current;
  }

  /** Applies {@code change} to one stream's state and saves the whole file atomically. */
  public synchronized SyncState update(String streamKey, UnaryOperator<StreamState> change) {
    SyncState next = current.with(streamKey, change.apply(current.stream(streamKey)));
    write(next);
    current = next;
    return next;
  }

  /** Applies {@code change} to the whole state (several streams at once) and saves the file atomically. */
  public synchronized SyncState updateAll(UnaryOperator<SyncState> change) {
    SyncState next = change.apply(current);
    write(next);
    current = next;
    return next;
  }

  private void write(SyncState state) {
    byte[] bytes = JsonFiles.toText(StateCodec.encode(state)).getBytes(StandardCharsets.UTF_8);
    Path directory = file.getParent();
    Path temporary = directory.resolve("." + file.getFileName() + ".tmp");
    try {
      Files.createDirectories(directory);
      // A stream, not a FileChannel: an interrupt (SIGINT) must not abort a state write half-way.
      try (FileOutputStream out = new FileOutputStream(temporary.toFile())) {
        out.write(bytes);
        out.getFD().sync();
      }
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new SluiceException(ErrorKind.PERMANENT, "Cannot save state to " + file
            + ": the file system cannot rename atomically; put the state file on a local file system", e);
      }
      try (FileChannel directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
        directoryChannel.force(true);
      } catch (IOException e) {
        // Some file systems cannot open directories for sync; the rename itself is still atomic.
      }
    } catch (IOException e) {
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot save state to " + file + ": " + e.getMessage(), e);
    }
  }
}
