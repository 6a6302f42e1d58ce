package io.sluice.engine.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.spi.Catalog;
import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.ChangeLogSource;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.CheckResult;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.LogEvent;
import io.sluice.spi.LogPin;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory table of (id long, name string) with a change log: every mutation changes the table and appends
 * an event. Positions are event counts ("3" = the first three events are behind). A pin snapshots the table, so
 * backfills read exactly the pinned state, as with Postgres' exported snapshot.
 */
final class FakeChangeLog implements Source, ChangeLogSource {
  static final StreamId TABLE = StreamId.of("public", "orders");
  static final List<Column> COLUMNS = List.of(new Column("id", DataType.LONG, false, "bigint"),
      new Column("name", DataType.STRING, true, "text"));

  final TreeMap<Long, Object[]> rows = new TreeMap<>();
  final List<LogEvent> log = new CopyOnWriteArrayList<>();
  final List<String> acknowledged = new CopyOnWriteArrayList<>();
  final List<Integer> openedFrom = new CopyOnWriteArrayList<>();
  volatile int batchSize = 3;
  private volatile TreeMap<Long, Object[]> pinned;

  static StreamSpec spec(SyncMode mode) {
    return new StreamSpec(TABLE, TABLE, mode, COLUMNS, List.of("id"), List.of(), Optional.empty());
  }

  synchronized void insert(long id, String name) {
    Object[] row = {id, name};
    rows.put(id, row);
    log.add(new LogEvent.RowChange(TABLE, ChangeEvent.insert(row.clone(), 16, Instant.now())));
  }

  synchronized void update(long id, String name) {
    Object[] row = {id, name};
    rows.put(id, row);
    log.add(new LogEvent.RowChange(TABLE, ChangeEvent.update(row.clone(), 16, Instant.now())));
  }

  synchronized void delete(long id) {
    rows.remove(id);
    log.add(new LogEvent.RowChange(TABLE, ChangeEvent.delete(new Object[] {id, null}, 8, Instant.now())));
  }

  /** Adds a column {@code extra string}: later rows carry three values. */
  synchronized void addColumn(List<Column> columns) {
    log.add(new LogEvent.SchemaChange(TABLE, columns));
  }

  synchronized void insertWide(long id, String name, String extra) {
    Object[] row = {id, name, extra};
    rows.put(id, row);
    log.add(new LogEvent.RowChange(TABLE, ChangeEvent.insert(row.clone(), 24, Instant.now())));
  }

  synchronized Map<Long, List<Object>> content() {
    Map<Long, List<Object>> map = new TreeMap<>();
    rows.forEach((k, v) -> map.put(k, List.of(v)));
    return map;
  }

  @Override
  public Optional<ChangeLogSource> changeLog() {
    return Optional.of(this);
  }

  @Override
  public CheckResult check(List<StreamSpec> streams) {
    return new CheckResult(List.of());
  }

  @Override
  public synchronized LogPin pin(List<StreamSpec> streams) {
    pinned = new TreeMap<>(rows);
    String position = Integer.toString(log.size());
    return new LogPin() {
      @Override
      public String position() {
        return position;
      }

      @Override
      public boolean snapshotConsistent() {
        return true;
      }

      @Override
      public void close() {
        pinned = null;
      }
    };
  }

  @Override
  public int comparePositions(String a, String b) {
    return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
  }

  @Override
  public ChangeStream open(ChangeStreamRequest request) {
    int start = request.positions().values().stream().mapToInt(Integer::parseInt).min().orElseThrow();
    int end = log.size();
    openedFrom.add(start);
    return new ChangeStream() {
      int next = start;

      @Override
      public ChangeBatch poll(Duration timeout) throws InterruptedException {
        List<LogEvent> events = new ArrayList<>();
        if (next >= log.size()) {
          if (request.bounded()) {
            return new ChangeBatch(List.of(), Integer.toString(next), true);
          }
          Thread.sleep(Math.min(timeout.toMillis(), 20));
          return new ChangeBatch(List.of(), Integer.toString(next), false);
        }
        while (next < log.size() && events.size() < batchSize) {
          LogEvent event = log.get(next);
          if (event instanceof LogEvent.SchemaChange && !events.isEmpty()) {
            break;
          }
          next++;
          String own = request.positions().get(event.stream());
          if (own != null && next > Integer.parseInt(own)) {
            events.add(event);
          }
        }
        return new ChangeBatch(events, Integer.toString(next), request.bounded() && next >= end);
      }

      @Override
      public void acknowledge(String position) {
        acknowledged.add(position);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public CheckResult check() {
    return new CheckResult(List.of());
  }

  @Override
  public Catalog discover() {
    return new Catalog(List.of(new StreamDescriptor(TABLE, COLUMNS, List.of("id"),
        Set.of(SyncMode.CDC, SyncMode.CDC_ONLY), List.of())));
  }

  @Override
  public List<Split> planSnapshot(StreamSpec stream) {
    return List.of(new Split("even", JsonNodeFactory.instance.objectNode().put("parity", 0), -1),
        new Split("odd", JsonNodeFactory.instance.objectNode().put("parity", 1), -1));
  }

  @Override
  public SnapshotReader openSnapshot(StreamSpec stream, Split split) {
    TreeMap<Long, Object[]> view = pinned != null ? pinned : new TreeMap<>(rows);
    int parity = split.descriptor().get("parity").asInt();
    return new SnapshotReader() {
      @Override
      public long read(io.sluice.spi.RowSink sink) throws InterruptedException {
        long count = 0;
        for (Object[] row : view.values()) {
          if ((Long) row[0] % 2 == parity) {
            sink.accept(row.clone(), 16);
            count++;
          }
        }
        return count;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public int maxConcurrentReads() {
    return 2;
  }

  @Override
  public void close() {}
}
