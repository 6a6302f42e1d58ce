package io.sluice.cli;

import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.progress.ProgressReporter;
import io.sluice.engine.progress.StatsEndpoint;
import io.sluice.engine.state.SourceIdentityCheck;
import io.sluice.engine.state.StateLock;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.StreamsFile;
import io.sluice.engine.sync.ChangeLogOptions;
import io.sluice.engine.sync.RetryPolicy;
import io.sluice.engine.sync.StreamResult;
import io.sluice.engine.sync.StreamResync;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import io.sluice.engine.sync.SyncRunner;
import io.sluice.spi.Catalog;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.engine.streams.ConfiguredStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * One sync from files, shared by {@code sync} and {@code demo}: everything is validated (state, source,
 * destination, streams against the live source) before the first row moves, so a bad input changes nothing.
 */
final class SyncExecution {
  private final Environment environment;

  SyncExecution(Environment environment) {
    this.environment = environment;
  }

  SyncReport run(Path sourceFile, Path destinationFile, Path streamsFile, Path stateFile, SyncOptions options)
      throws InterruptedException {
    return run(sourceFile, destinationFile, streamsFile, stateFile, options, ChangeLogOptions.DEFAULTS, List.of(), null,
        RetryPolicy.DEFAULTS);
  }

  /**
   * @param changeLog how cdc streams commit; when continuous, incremental streams poll and cdc streams stream
   *     until a signal, which then ends the sync normally
   * @param resync streams to start over ({@link StreamResync})
   * @param statsPort where to serve {@code /stats} during the sync (0: any free port), or null for nowhere
   * @param retry how streams failing with transient errors are retried
   */
  SyncReport run(Path sourceFile, Path destinationFile, Path streamsFile, Path stateFile, SyncOptions options,
      ChangeLogOptions changeLog, List<String> resync, Integer statsPort, RetryPolicy retry)
      throws InterruptedException {
    boolean continuous = changeLog.continuous();
    StateStore.open(stateFile); // a damaged state file fails here, before anything (even the lock) is written
    try (Source source = environment.openSource(sourceFile);
        Destination destination = environment.openDestination(destinationFile)) {
      Catalog catalog = source.discover();
      List<ConfiguredStream> streams =
          StreamsFile.resolve(JsonFiles.readObject(streamsFile), streamsFile.toString(), catalog);
      noteUnselectedColumns(streams, catalog, streamsFile);
      try (StateLock lock = StateLock.acquire(stateFile)) {
        // Read again under the lock: a sync that just finished may have replaced the file.
        StateStore state = StateStore.open(stateFile);
        SourceIdentityCheck.apply(state, source.identity(), stateFile.toString());
        List<String> reset = StreamResync.apply(state, streams, resync);
        if (!reset.isEmpty()) {
          environment.err().println("sluice: starting over for " + String.join(", ", reset));
        }
        SyncRunner runner = new SyncRunner(source, destination, streams, state, options, Clock.systemUTC(),
            changeLog).retrying(retry);
        SyncReport report;
        try (ProgressReporter reporter = new ProgressReporter(runner.progress(),
            environment.interactive() ? environment.out() : null, environment.interactive() ? 1000 : 10_000).start();
            StatsEndpoint stats = statsPort == null ? null
                : StatsEndpoint.start(statsPort, runner.progress(), Clock.systemUTC());
            InterruptOnSignal signal = InterruptOnSignal.install()) {
          if (stats != null) {
            environment.err().println("sluice: stats at http://127.0.0.1:" + stats.port() + "/stats");
          }
          report = runner.run();
        } catch (InterruptedException e) {
          if (continuous) {
            environment.err().println("sluice: stopped by signal; what was committed is kept, and the next run continues from there");
            return new SyncReport(List.of());
          }
          throw new SluiceException(ErrorKind.TRANSIENT, "Cannot finish the sync: it was interrupted; every "
              + "committed chunk is kept, and running the same sync again resumes from there", e);
        }
        printSummary(report);
        return report;
      }
    }
  }

  /**
   * Names the source columns a full_refresh or incremental stream does not select, typically columns added to the
   * table since discover: the streams file's selection is what the user reviewed, so a new column (which may hold
   * data nobody meant to export) is not synced until it is selected, but it must not go unnoticed either. cdc
   * streams are left out: they follow columns the change log shows (see the PostgreSQL source's README).
   */
  private void noteUnselectedColumns(List<ConfiguredStream> streams, Catalog catalog, Path streamsFile) {
    for (ConfiguredStream stream : streams) {
      StreamSpec spec = stream.spec();
      if (spec.syncMode() == SyncMode.CDC || spec.syncMode() == SyncMode.CDC_ONLY) {
        continue;
      }
      List<String> unselected = catalog.find(spec.source()).map(StreamDescriptor::columns).orElse(List.of())
          .stream().filter(column -> spec.columnIndex(column.name()) < 0)
          .map(column -> column.name() + " (" + column.sourceType() + ")").toList();
      if (!unselected.isEmpty()) {
        environment.err().println("sluice: note: " + spec.source() + " has column(s) " + String.join(", ", unselected)
            + " that " + streamsFile + " does not select, so they are not synced; add them to the stream's "
            + "\"columns\" (or run discover again) to sync them");
      }
    }
  }

  private void printSummary(SyncReport report) {
    long failed = report.streams().stream().filter(r -> !r.succeeded()).count();
    environment.out().printf(Locale.ROOT, "Sync %s: %d stream(s) ok, %d failed%n",
        failed == 0 ? "finished" : "FAILED", report.streams().size() - failed, failed);
    for (StreamResult result : report.streams()) {
      double rate = result.seconds() > 0 ? result.rowsReadThisRun() / result.seconds() : 0;
      String status = result.failure().map(f -> "FAILED: " + environment.secrets().redact(Main.describe(f)))
          .orElse("ok");
      environment.out().printf(Locale.ROOT, "  %-30s -> %-30s %,12d rows  %4d chunks  %8s  %,10.0f rows/s  %s%n",
          result.stream(), result.destination(), result.rows(), result.chunks(),
          ProgressReporter.duration(result.seconds()), rate, status);
    }
  }
}
