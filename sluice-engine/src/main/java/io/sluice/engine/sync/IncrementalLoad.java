package io.sluice.engine.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.progress.StreamProgress;
import io.sluice.engine.state.CursorCodec;
import io.sluice.engine.state.IncrementalProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.spi.Backlog;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.DataType;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incremental run of one stream: reads the rows whose (cursor, key) pair comes after the saved one, page
 * by page in (cursor, key) order, upserts them by key, and commits the new position with the data.
 *
 * <p>The run is bounded: it stops at the end of the table or once it passes the largest cursor value the
 * table had when the run started, so a table that is updated without pause cannot keep a run alive forever.
 * Rows updated during the run reappear later in (cursor, key) order and are picked up by this run or the
 * next; the upsert keeps only their newest version.
 *
 * <p>Commit order: destination commit (rows + position in the same commit) → state file. On restart the
 * destination's position wins when it is newer.
 */
final class IncrementalLoad {
  private static final Logger LOG = LoggerFactory.getLogger(IncrementalLoad.class);
  /** Rows buffered in the writer before a commit; a commit also happens at the end of the run. */
  static final long COMMIT_ROWS = 100_000;
  /** The backlog logged at the start of a run is counted up to this many rows, so it stays cheap. */
  static final long BACKLOG_COUNT_CAP = 100_000;

  private final Source source;
  private final Destination destination;
  private final ConfiguredStream configured;
  private final StreamSpec spec;
  private final StateStore state;
  private final StreamProgress progress;
  private final Clock clock;
  private final String stateKey;
  private final int cursorIndex;
  /** The secondary cursor's position in a row, or -1: its value stands in where the cursor is NULL. */
  private final int secondaryIndex;
  private final DataType cursorType;
  private final int[] keyIndexes;
  private final List<DataType> keyTypes = new ArrayList<>();

  IncrementalLoad(Source source, Destination destination, ConfiguredStream configured, StateStore state,
      StreamProgress progress, Clock clock) {
    this.source = source;
    this.destination = destination;
    this.configured = configured;
    this.spec = configured.spec();
    this.state = state;
    this.progress = progress;
    this.clock = clock;
    this.stateKey = spec.source().toString();
    this.cursorIndex = spec.columnIndex(spec.cursorField().orElseThrow());
    this.secondaryIndex = spec.secondaryCursorField().map(spec::columnIndex).orElse(-1);
    this.cursorType = spec.columns().get(cursorIndex).type();
    this.keyIndexes = new int[spec.primaryKey().size()];
    for (int i = 0; i < keyIndexes.length; i++) {
      keyIndexes[i] = spec.columnIndex(spec.primaryKey().get(i));
      keyTypes.add(spec.columns().get(keyIndexes[i]).type());
    }
  }

  StreamResult run() throws InterruptedException {
    progress.phase(StreamProgress.Phase.PLANNING);
    IncrementalSource reads = source.incremental().orElseThrow(() -> new SluiceException(ErrorKind.CONFIG,
        "Cannot sync " + spec.source() + " incrementally: the source does not support cursor reads"));
    String cursorField = spec.cursorField().orElseThrow();
    try (StreamWriter writer = destination.openStream(new WriteRequest(spec, WriteMode.UPSERT, "incremental"))) {
      try {
        Optional<CursorPosition> saved = resolvePosition(writer.committedCheckpoint());
        Backlog backlog = reads.backlog(spec, saved, BACKLOG_COUNT_CAP);
        Optional<Object> bound = backlog.maxCursor();
        Optional<CursorPosition> position = saved.map(this::applyLookback);
        progress.plan(0, 0, 0, -1);
        progress.phase(StreamProgress.Phase.LOADING);
        LOG.info("{}: reading rows after {} (cursor {}, page size {}){}; backlog: {}{} rows behind, max cursor {}",
            spec.source(), saved.map(this::describe).orElse("the start"), cursorField, configured.pageSize(),
            configured.lookbackSeconds() > 0 ? ", looking back " + configured.lookbackSeconds() + "s" : "",
            backlog.capped() ? ">= " : "", backlog.rowsBehind(), bound.map(String::valueOf).orElse("none"));
        progress.position(java.util.Map.of(
            "saved_cursor", saved.map(this::describe).orElse("none"),
            "max_cursor", bound.map(String::valueOf).orElse("none"),
            "rows_behind", backlog.rowsBehind(),
            "rows_behind_capped", Boolean.toString(backlog.capped()),
            "rows_with_null_cursor", backlog.rowsWithNullCursor(),
            "backlog_measured_at", clock.instant().toString()));
        long rowsThisRun = 0;
        long rowsSinceCommit = 0;
        Optional<CursorPosition> committed = saved;
        while (true) {
          PageSink sink = new PageSink(writer);
          long rows = reads.readPage(spec, position, configured.pageSize(), sink);
          if (rows != sink.rows) {
            throw new IllegalStateException("Cannot trust page of " + spec.source() + ": the source reported "
                + rows + " rows but handed over " + sink.rows);
          }
          rowsThisRun += rows;
          rowsSinceCommit += rows;
          boolean end = rows < configured.pageSize();
          if (rows > 0) {
            position = Optional.of(positionOf(sink.last));
            end |= bound.isPresent() && compare(cursorOf(sink.last), bound.get()) > 0;
          }
          if (rowsSinceCommit > 0 && (end || rowsSinceCommit >= COMMIT_ROWS)) {
            commit(writer, cursorField, position.orElseThrow(), rowsSinceCommit);
            committed = position;
            rowsSinceCommit = 0;
          }
          if (end) {
            break;
          }
        }
        long total = rowsThisRun;
        Optional<JsonNode> finalPosition = committed.map(p -> CursorCodec.encode(p, cursorType, keyTypes));
        state.update(stateKey, s -> s.withIncremental(
            new IncrementalProgress(finalPosition, cursorField, Optional.of(clock.instant()), total)));
        progress.phase(StreamProgress.Phase.DONE);
        progress.position(java.util.Map.of("last_poll_at", clock.instant().toString(),
            "saved_cursor", committed.map(this::describe).orElse("none")));
        if (backlog.rowsWithNullCursor() > 0) {
          LOG.warn("{}: {} rows have a NULL {} and are not synced by cursor reads", spec.source(),
              backlog.rowsWithNullCursor(), cursorField);
        }
        LOG.info("{}: {} rows read; position now {}", spec.source(), total,
            committed.map(this::describe).orElse("the start"));
        return new StreamResult(spec.source(), spec.destination(), total, total, progress.chunksDone(),
            progress.elapsedSeconds(), Optional.empty());
      } catch (RuntimeException | InterruptedException | Error e) {
        writer.abort();
        throw e;
      }
    }
  }

  /** The saved position: the destination's when it has one for this cursor (it is written first), else the state's. */
  private Optional<CursorPosition> resolvePosition(Optional<String> destinationCheckpoint) {
    String cursorField = spec.cursorField().orElseThrow();
    Optional<IncrementalProgress> fromState = state.current().stream(stateKey).incremental()
        .filter(p -> p.cursorField().equals(cursorField));
    Optional<JsonNode> position = fromState.flatMap(IncrementalProgress::position);
    if (destinationCheckpoint.isPresent()) {
      JsonNode checkpoint = parse(destinationCheckpoint.get());
      if (checkpoint.has("position") && cursorField.equals(checkpoint.path("cursor_field").asText())) {
        if (!checkpoint.get("position").equals(position.orElse(null))) {
          LOG.info("{}: the destination's position {} is newer than the state file's; continuing from it",
              spec.source(), checkpoint.get("position"));
        }
        position = Optional.of(checkpoint.get("position"));
      }
    }
    try {
      return position.map(p -> CursorCodec.decode(p, cursorType, keyTypes));
    } catch (IllegalArgumentException e) {
      throw new SluiceException(ErrorKind.CONFIG, "Cannot resume " + spec.source() + " from position " + position.get()
          + ": " + e.getMessage() + " (the cursor or key columns changed type; delete the stream's entry from the "
          + "state file to read it again from the start)", e);
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JsonFiles.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return JsonNodeFactory.instance.objectNode();
    }
  }

  private void commit(StreamWriter writer, String cursorField, CursorPosition position, long rows) {
    ObjectNode checkpoint = JsonNodeFactory.instance.objectNode();
    checkpoint.put("cursor_field", cursorField);
    checkpoint.set("position", CursorCodec.encode(position, cursorType, keyTypes));
    writer.commit(checkpoint.toString());
    JsonNode encoded = checkpoint.get("position");
    state.update(stateKey, s -> s.withIncremental(new IncrementalProgress(Optional.of(encoded), cursorField,
        s.incremental().flatMap(IncrementalProgress::lastPollAt), rows)));
    progress.chunkCommitted(rows);
  }

  /** The row's effective cursor: {@code COALESCE(cursor, secondary)}, as the source pages by it. */
  private Object cursorOf(Object[] row) {
    Object cursor = row[cursorIndex];
    return cursor == null && secondaryIndex >= 0 ? row[secondaryIndex] : cursor;
  }

  private CursorPosition positionOf(Object[] row) {
    List<Object> key = new ArrayList<>(keyIndexes.length);
    for (int index : keyIndexes) {
      key.add(row[index]);
    }
    return new CursorPosition(cursorOf(row), key);
  }

  /** The saved position moved back by the look-back window, as an inclusive cursor-only bound. */
  private CursorPosition applyLookback(CursorPosition saved) {
    long seconds = configured.lookbackSeconds();
    if (seconds == 0) {
      return saved;
    }
    Object cursor = saved.cursor();
    Object earlier;
    if (cursor instanceof LocalDateTime t) {
      earlier = t.minusSeconds(seconds);
    } else if (cursor instanceof OffsetDateTime t) {
      earlier = t.minusSeconds(seconds);
    } else if (cursor instanceof LocalDate d) {
      earlier = d.minusDays(Duration.ofSeconds(seconds).toDays() + (seconds % 86_400 == 0 ? 0 : 1));
    } else {
      throw new SluiceException(ErrorKind.CONFIG, "Cannot look back from cursor value " + cursor + " of "
          + spec.source() + ": expected a timestamp or date cursor");
    }
    return new CursorPosition(earlier, List.of());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  private String describe(CursorPosition position) {
    return CursorCodec.encode(position, cursorType, keyTypes).toString();
  }

  /** Hands a page's rows to the writer as upserts, remembering the last one. */
  private final class PageSink implements io.sluice.spi.RowSink {
    private final StreamWriter writer;
    private Object[] last;
    private long rows;

    PageSink(StreamWriter writer) {
      this.writer = writer;
    }

    @Override
    public void accept(Object[] row, int sizeBytes) {
      writer.write(ChangeEvent.read(row, sizeBytes));
      last = row;
      rows++;
      progress.rowsRead(1, sizeBytes);
    }
  }
}
