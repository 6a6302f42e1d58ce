package io.sluice.cli;

import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice sync}: moves the selected streams from the source into the destination. */
@Command(name = "sync", description = "Sync the selected streams from the source into the destination. "
    + "Resumable: run it again with the same state file after a crash.")
final class SyncCommand implements Callable<Integer> {
  private final Environment environment;

  @Option(names = "--source", required = true, description = "Source config file (JSON).")
  Path source;

  @Option(names = "--destination", required = true, description = "Destination config file (JSON).")
  Path destination;

  @Option(names = "--streams", required = true, description = "Streams file (the output of discover).")
  Path streams;

  @Option(names = "--state", required = true, description = "State file; created when absent, replaced atomically.")
  Path state;

  @Option(names = "--max-streams", description = "Streams synced at once (default: ${DEFAULT-VALUE}).")
  int maxStreams = SyncOptions.DEFAULTS.maxConcurrentStreams();

  @Option(names = "--continuous", description = "Keep polling incremental streams every poll_interval_seconds "
      + "until SIGINT/SIGTERM, which stops cleanly (exit 0).")
  boolean continuous;

  SyncCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (maxStreams < 1 || maxStreams > 64) {
      throw new io.sluice.spi.ConfigException("--max-streams",
          "Invalid option --max-streams: " + maxStreams + ", expected 1..64");
    }
    SyncReport report = new SyncExecution(environment).run(source, destination, streams, state,
        SyncOptions.DEFAULTS.withMaxConcurrentStreams(maxStreams), continuous);
    return report.succeeded() ? ExitCode.OK.code() : ExitCode.SYNC_FAILED.code();
  }
}
