package io.sluice.engine.state;

import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps two syncs off one state file: both would commit, and the second would overwrite the first one's
 * progress. An operating-system lock on {@code <state>.lock}, so it is released when the process ends, however it
 * ends (kill -9 included); the file keeps the holder's pid for the error message.
 */
public final class StateLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code stateFile} or fails at once.
   *
   * @throws SluiceException {@link ErrorKind#CONFIG} naming the state file and the other process when it is held
   */
  public static StateLock acquire(Path stateFile) {
    Path file = stateFile.toAbsolutePath().resolveSibling(stateFile.getFileName() + ".lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process
      }
      if (lock == null) {
        String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        channel.close();
        throw new SluiceException(ErrorKind.CONFIG, "Cannot use state file " + stateFile + ": another Sluice process"
            + (holder.isEmpty() ? "" : " (pid " + holder + ")") + " is syncing with it; two syncs on one state "
            + "would both commit, so wait for it to finish or stop it");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
          0);
      channel.force(false);
      return new StateLock(channel, lock);
    } catch (IOException e) {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // the lock error below is what matters
      }
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot lock state file " + stateFile + " (" + file + "): "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the process is about to let go of the file anyway
    }
  }
}
