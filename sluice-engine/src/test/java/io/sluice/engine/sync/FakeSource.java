package io.sluice.engine.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.spi.Catalog;
import io.sluice.spi.CheckResult;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory source: one table of (id long, name string) in {@code splits} splits of {@code rowsPerSplit}. */
final class FakeSource implements Source {
  static final StreamId TABLE = StreamId.of("public", "items");
  static final List<Column> COLUMNS = List.of(new Column("id", DataType.LONG, false, "bigint"),
      new Column("name", DataType.STRING, true, "text"));

  final int splits;
  final int rowsPerSplit;
  final Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
  volatile int failOnSplit = -1;
  volatile int threads = 2;
  /** What {@link #resumable} answers. */
  volatile boolean resumable = true;
  /** How many plans {@link #planSnapshot} made. */
  final AtomicInteger plans = new AtomicInteger();
  /** Runs just before the failing split throws, e.g. to wait until earlier splits are committed. */
  volatile Runnable beforeFailing = () -> {};

  FakeSource(int splits, int rowsPerSplit) {
    this.splits = splits;
    this.rowsPerSplit = rowsPerSplit;
  }

  static StreamSpec spec() {
    return new StreamSpec(TABLE, TABLE, SyncMode.FULL_REFRESH, COLUMNS, List.of("id"), List.of(), Optional.empty());
  }

  List<Long> allIds() {
    List<Long> ids = new ArrayList<>();
    for (long id = 0; id < (long) splits * rowsPerSplit; id++) {
      ids.add(id);
    }
    return ids;
  }

  @Override
  public boolean resumable(StreamSpec stream, List<Split> plan) {
    return resumable;
  }

  @Override
  public CheckResult check() {
    return new CheckResult(List.of(CheckResult.Probe.pass("memory", "ok")));
  }

  @Override
  public Catalog discover() {
    return new Catalog(List.of(new StreamDescriptor(TABLE, COLUMNS, List.of("id"), Set.of(SyncMode.FULL_REFRESH),
        List.of())));
  }

  @Override
  public List<Split> planSnapshot(StreamSpec stream) {
    plans.incrementAndGet();
    List<Split> plan = new ArrayList<>();
    for (int i = 0; i < splits; i++) {
      plan.add(new Split("part-" + i, JsonNodeFactory.instance.objectNode().put("part", i), rowsPerSplit));
    }
    return plan;
  }

  @Override
  public SnapshotReader openSnapshot(StreamSpec stream, Split split) {
    int part = split.descriptor().get("part").asInt();
    return new SnapshotReader() {
      @Override
      public long read(io.sluice.spi.RowSink sink) throws InterruptedException {
        reads.computeIfAbsent(part, p -> new AtomicInteger()).incrementAndGet();
        for (int i = 0; i < rowsPerSplit; i++) {
          if (part == failOnSplit && i == rowsPerSplit / 2) {
            beforeFailing.run();
            throw new SluiceException(ErrorKind.TRANSIENT, "Cannot read part " + part + ": connection reset");
          }
          long id = (long) part * rowsPerSplit + i;
          sink.accept(new Object[] {id, "name-" + id}, 16);
        }
        return rowsPerSplit;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public int maxConcurrentReads() {
    return threads;
  }

  @Override
  public void close() {}
}
