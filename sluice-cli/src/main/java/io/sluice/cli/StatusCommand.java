package io.sluice.cli;

import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.state.CursorCodec;
import io.sluice.engine.state.IncrementalProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.state.StreamState;
import io.sluice.engine.state.SyncState;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.engine.streams.StreamsFile;
import io.sluice.spi.Backlog;
import io.sluice.spi.ConfigException;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.DataType;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice status}: how far each stream is behind. For incremental streams: when the source was last
 * polled, the cursor lag (largest cursor in the table minus the saved one) and the rows behind, counted only
 * up to a cap so that the answer stays cheap however far behind the stream is.
 */
@Command(name = "status", description = "Show each stream's progress and backlog: last poll, cursor lag, rows behind.")
final class StatusCommand implements Callable<Integer> {
  private final Environment environment;

  @Option(names = "--source", required = true, description = "Source config file (JSON).")
  Path source;

  @Option(names = "--streams", required = true, description = "Streams file.")
  Path streams;

  @Option(names = "--state", required = true, description = "State file.")
  Path state;

  @Option(names = "--count-cap", description = "Stop counting rows behind at this many (default: ${DEFAULT-VALUE}).")
  long countCap = 100_000;

  StatusCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (countCap < 1) {
      throw new ConfigException("--count-cap", "Invalid option --count-cap: " + countCap + ", expected at least 1");
    }
    SyncState syncState = StateStore.open(state).current();
    try (Source opened = environment.openSource(source)) {
      List<ConfiguredStream> configured =
          StreamsFile.resolve(JsonFiles.readObject(streams), streams.toString(), opened.discover());
      for (ConfiguredStream stream : configured) {
        environment.out().println(describe(opened, stream.spec(), syncState.stream(stream.spec().source().toString())));
      }
    }
    return ExitCode.OK.code();
  }

  private String describe(Source opened, StreamSpec spec, StreamState streamState) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-30s %-13s", spec.source(),
        spec.syncMode().jsonName()));
    if (spec.syncMode() == SyncMode.FULL_REFRESH) {
      streamState.load().ifPresent(load -> line.append(String.format(Locale.ROOT,
          " load %s in progress: %d/%d chunks, %,d rows committed;", load.loadId(), load.done().size(),
          load.splits().size(), load.rowsDone())));
      line.append(streamState.lastCompletedLoad().map(done -> String.format(Locale.ROOT,
          " last completed load %s: %,d rows", done.finishedAt(), done.rows())).orElse(" never completed"));
      return line.toString();
    }
    if (spec.syncMode() == SyncMode.CDC || spec.syncMode() == SyncMode.CDC_ONLY) {
      return line.append(streamState.changeLog().map(log -> String.format(Locale.ROOT,
          " log position %s, %s, last commit %s", log.position(),
          log.backfilled() ? "backfilled" : "backfill pending",
          log.lastCommitAt().map(Object::toString).orElse("never"))).orElse(" not started")).toString();
    }
    if (spec.syncMode() != SyncMode.INCREMENTAL || opened.incremental().isEmpty()) {
      return line.append(" no backlog measure for this mode yet").toString();
    }
    IncrementalSource reads = opened.incremental().get();
    String cursorField = spec.cursorField().orElseThrow();
    DataType cursorType = spec.columns().get(spec.columnIndex(cursorField)).type();
    List<DataType> keyTypes = new ArrayList<>();
    spec.primaryKey().forEach(k -> keyTypes.add(spec.columns().get(spec.columnIndex(k)).type()));
    Optional<IncrementalProgress> progress =
        streamState.incremental().filter(p -> p.cursorField().equals(cursorField));
    Optional<CursorPosition> position = progress.flatMap(IncrementalProgress::position)
        .map(p -> CursorCodec.decode(p, cursorType, keyTypes));
    Backlog backlog = reads.backlog(spec, position, countCap);
    line.append(" last poll ").append(progress.flatMap(IncrementalProgress::lastPollAt).map(Object::toString)
        .orElse("never"));
    line.append(", cursor ").append(position.map(p -> String.valueOf(p.cursor())).orElse("none"));
    line.append(", max ").append(backlog.maxCursor().map(String::valueOf).orElse("none"));
    line.append(", lag ").append(lag(position.map(CursorPosition::cursor), backlog.maxCursor()));
    line.append(String.format(Locale.ROOT, ", rows behind %s%,d", backlog.capped() ? ">= " : "", backlog.rowsBehind()));
    if (backlog.rowsWithNullCursor() > 0) {
      line.append(String.format(Locale.ROOT, ", %,d rows with NULL %s (not synced)", backlog.rowsWithNullCursor(),
          cursorField));
    }
    return line.toString();
  }

  /** max − saved in the cursor's own unit: a duration for timestamps and dates, a difference for numbers. */
  static String lag(Optional<Object> saved, Optional<Object> max) {
    if (max.isEmpty()) {
      return "0 (the table has no cursor values)";
    }
    if (saved.isEmpty()) {
      return "everything (never synced)";
    }
    Object a = saved.get();
    Object b = max.get();
    if (a instanceof LocalDateTime from && b instanceof LocalDateTime to) {
      return human(Duration.between(from, to));
    }
    if (a instanceof OffsetDateTime from && b instanceof OffsetDateTime to) {
      return human(Duration.between(from, to));
    }
    if (a instanceof LocalDate from && b instanceof LocalDate to) {
      return ChronoUnit.DAYS.between(from, to) + " days";
    }
    if (a instanceof Number from && b instanceof Number to) {
      return new BigDecimal(to.toString()).subtract(new BigDecimal(from.toString())).toPlainString();
    }
    return a.equals(b) ? "0" : "unknown (string cursor)";
  }

  private static String human(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      return "0s";
    }
    long seconds = duration.getSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + "m " + (seconds % 60) + "s";
    }
    return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m";
  }
}
