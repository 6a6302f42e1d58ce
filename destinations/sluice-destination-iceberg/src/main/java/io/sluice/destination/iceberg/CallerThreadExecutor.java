package io.sluice.destination.iceberg;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on the thread that submits it. Given to Iceberg commits for their manifest work, so that a
 * commit never depends on Iceberg's shared worker pool, which a JVM shutdown hook stops on SIGTERM: exactly when
 * the engine makes its last commit. Never shuts down.
 */
final class CallerThreadExecutor extends AbstractExecutorService {
  static final CallerThreadExecutor INSTANCE = new CallerThreadExecutor();

  private CallerThreadExecutor() {}

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public void shutdown() {
    // shared by every writer: never shut down
  }

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return false;
  }
}
