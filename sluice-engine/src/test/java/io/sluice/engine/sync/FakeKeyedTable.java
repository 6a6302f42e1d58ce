package io.sluice.engine.sync;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.CheckResult;
import io.sluice.spi.CommitResult;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory table keyed by column 0 with both contracts a change-log stream needs: REPLACE (a backfill staged
 * per load id, published at once) and UPSERT (inserts, updates and deletes by key). Every commit keeps the
 * checkpoint with the data, as Iceberg's snapshot summary does. Tests keep it across "process restarts".
 */
final class FakeKeyedTable implements Destination {
  final TreeMap<Long, Object[]> rows = new TreeMap<>();
  final List<ChangeEvent> applied = new ArrayList<>();
  final List<List<io.sluice.spi.Column>> evolutions = new ArrayList<>();
  final AtomicInteger commits = new AtomicInteger();
  private final Map<String, TreeMap<Long, Object[]>> staged = new HashMap<>();
  private final Map<String, String> stagedCheckpoint = new HashMap<>();
  private String checkpoint;
  /** When set, the commit with this number (1-based) is applied and then throws: a crash right after commit. */
  volatile int crashAfterCommit = -1;

  @Override
  public CheckResult check() {
    return new CheckResult(List.of());
  }

  synchronized Map<Long, List<Object>> content() {
    Map<Long, List<Object>> map = new TreeMap<>();
    rows.forEach((k, v) -> map.put(k, List.of(v)));
    return map;
  }

  @Override
  public StreamWriter openStream(WriteRequest request) {
    boolean replace = request.mode() == WriteMode.REPLACE;
    if (!replace && request.mode() != WriteMode.UPSERT) {
      throw new UnsupportedOperationException(request.mode().name());
    }
    String loadId = request.loadId();
    return new StreamWriter() {
      private final List<ChangeEvent> pending = new ArrayList<>();

      @Override
      public Optional<String> committedCheckpoint() {
        synchronized (FakeKeyedTable.this) {
          return Optional.ofNullable(replace ? stagedCheckpoint.get(loadId) : checkpoint);
        }
      }

      @Override
      public void write(ChangeEvent event) {
        pending.add(event);
      }

      @Override
      public CommitResult commit(String newCheckpoint) {
        synchronized (FakeKeyedTable.this) {
          TreeMap<Long, Object[]> target = replace ? staged.computeIfAbsent(loadId, k -> new TreeMap<>()) : rows;
          for (ChangeEvent event : pending) {
            Long key = (Long) event.values()[0];
            if (event.operation() == Operation.DELETE) {
              target.remove(key);
            } else if (target.put(key, event.values()) != null && replace) {
              throw new AssertionError("a backfill wrote key " + key + " twice");
            }
            if (!replace) {
              applied.add(event);
            }
          }
          if (replace) {
            stagedCheckpoint.put(loadId, newCheckpoint);
          } else {
            checkpoint = newCheckpoint;
          }
          long records = pending.size();
          pending.clear();
          if (commits.incrementAndGet() == crashAfterCommit) {
            throw new SluiceException(ErrorKind.INTERNAL, "simulated crash after commit " + crashAfterCommit);
          }
          return new CommitResult(records, 1, records * 16, "v" + commits.get());
        }
      }

      @Override
      public void evolve(StreamSpec stream) {
        synchronized (FakeKeyedTable.this) {
          if (!pending.isEmpty()) {
            throw new AssertionError("evolve called with " + pending.size() + " uncommitted events");
          }
          evolutions.add(stream.columns());
        }
      }

      @Override
      public void publish() {
        synchronized (FakeKeyedTable.this) {
          if (replace && staged.containsKey(loadId)) {
            rows.clear();
            rows.putAll(staged.remove(loadId));
            checkpoint = stagedCheckpoint.remove(loadId);
          }
        }
      }

      @Override
      public void abort() {
        pending.clear();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void close() {}
}
