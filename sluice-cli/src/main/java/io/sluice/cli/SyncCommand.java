package io.sluice.cli;

import io.sluice.engine.sync.ChangeLogOptions;
import io.sluice.engine.sync.RetryPolicy;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  @Option(names = "--continuous", description = "Keep polling incremental streams every poll_interval_seconds, "
      + "and streaming cdc changes, until SIGINT/SIGTERM, which commits what was applied and stops cleanly (exit 0). "
      + "Without it, cdc streams read the change log up to its end as of the start, commit and exit.")
  boolean continuous;

  @Option(names = "--commit-interval-seconds", description = "cdc: the longest time an applied change waits for "
      + "its commit (default: ${DEFAULT-VALUE}).")
  long commitIntervalSeconds = ChangeLogOptions.DEFAULT_COMMIT_INTERVAL.toSeconds();

  @Option(names = "--commit-events", description = "cdc: commit as soon as this many changes are pending "
      + "(default: ${DEFAULT-VALUE}).")
  long commitEvents = ChangeLogOptions.DEFAULT_COMMIT_EVENTS;

  @Option(names = "--stats-port", paramLabel = "PORT", description = "Serve GET http://127.0.0.1:PORT/stats during "
      + "the sync: each stream's phase, counters, saved cursor and backlog, or log position (0 picks a free port).")
  Integer statsPort;

  @Option(names = "--max-retries", description = "Times a stream failing with a transient error (a dropped "
      + "connection, a timeout, a commit conflict) is resumed, with exponential backoff and jitter from 1 s to 60 s "
      + "(default: ${DEFAULT-VALUE}); other errors fail at once.")
  int maxRetries = RetryPolicy.DEFAULTS.maxRetries();

  @Option(names = "--resync", paramLabel = "STREAM", description = "Start this stream over (namespace.name, "
      + "repeatable, or 'all'): forget its state, so cdc backfills again and incremental reads everything. "
      + "Use it after a dropped or invalidated replication slot (all) or a change the destination cannot follow.")
  List<String> resync = new ArrayList<>();

  SyncCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (maxStreams < 1 || maxStreams > 64) {
      throw new io.sluice.spi.ConfigException("--max-streams",
          "Invalid option --max-streams: " + maxStreams + ", expected 1..64");
    }
    if (commitIntervalSeconds < 1 || commitIntervalSeconds > 86_400) {
      throw new io.sluice.spi.ConfigException("--commit-interval-seconds",
          "Invalid option --commit-interval-seconds: " + commitIntervalSeconds + ", expected 1..86400");
    }
    if (commitEvents < 1) {
      throw new io.sluice.spi.ConfigException("--commit-events",
          "Invalid option --commit-events: " + commitEvents + ", expected a positive number");
    }
    if (statsPort != null && (statsPort < 0 || statsPort > 65535)) {
      throw new io.sluice.spi.ConfigException("--stats-port",
          "Invalid option --stats-port: " + statsPort + ", expected 0..65535");
    }
    if (maxRetries < 0 || maxRetries > 100) {
      throw new io.sluice.spi.ConfigException("--max-retries",
          "Invalid option --max-retries: " + maxRetries + ", expected 0..100");
    }
    ChangeLogOptions changeLog =
        new ChangeLogOptions(Duration.ofSeconds(commitIntervalSeconds), commitEvents, continuous);
    SyncReport report = new SyncExecution(environment).run(source, destination, streams, state,
        SyncOptions.DEFAULTS.withMaxConcurrentStreams(maxStreams), changeLog, resync, statsPort,
        new RetryPolicy(maxRetries, RetryPolicy.DEFAULTS.firstDelay(), RetryPolicy.DEFAULTS.maxDelay()));
    return report.succeeded() ? ExitCode.OK.code() : ExitCode.SYNC_FAILED.code();
  }
}
