package io.sluice.engine.state;

import java.nio.file.Path;

/** Run as a separate JVM by {@link TestStateLock}: takes the lock of a state file, says so, and holds it. */
public final class StateLockHolder {
  private StateLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (StateLock lock = StateLock.acquire(Path.of(args[0]))) {
      System.out.println("locked");
      Thread.sleep(30_000);
    }
  }
}
