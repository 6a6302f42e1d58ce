package io.sluice.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT/SIGTERM into an interrupt of the thread running the sync, and holds the JVM's exit until that
 * thread has aborted its writers (at most {@link #GRACE_SECONDS}), so that uncommitted files are cleaned up.
 * Committed data and the state file are consistent at every instant anyway; this only tidies.
 */
final class InterruptOnSignal implements AutoCloseable {
  private static final long GRACE_SECONDS = 20;

  private final Thread hook;
  private final CountDownLatch finished = new CountDownLatch(1);

  private InterruptOnSignal(Thread worker) {
    this.hook = new Thread(() -> {
      worker.interrupt();
      try {
        finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sluice-signal");
  }

  /** Installs the hook for the calling thread; close it when the work is done. */
  static InterruptOnSignal install() {
    InterruptOnSignal signal = new InterruptOnSignal(Thread.currentThread());
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
  }

  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook is running and has just been released
    }
  }
}
