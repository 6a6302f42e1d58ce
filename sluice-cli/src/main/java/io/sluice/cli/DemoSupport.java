package io.sluice.cli;

import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import java.nio.file.Path;

/** Gives the demo the same discover and sync code paths the commands use. */
public final class DemoSupport {
  private DemoSupport() {}

  public static void discover(Environment environment, Path source, Path output) {
    DiscoverCommand command = new DiscoverCommand(environment);
    command.source = source;
    command.output = output;
    command.call();
  }

  public static SyncReport sync(Environment environment, Path source, Path destination, Path streams, Path state,
      SyncOptions options) throws InterruptedException {
    return new SyncExecution(environment).run(source, destination, streams, state, options);
  }
}
