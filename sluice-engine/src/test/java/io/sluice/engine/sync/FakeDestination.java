package io.sluice.engine.sync;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.CheckResult;
import io.sluice.spi.CommitResult;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory destination with the REPLACE contract: commits stage rows and a checkpoint per load id,
 * publish swaps the visible table. It survives "process restarts" (a new engine run) because tests keep it.
 */
final class FakeDestination implements Destination {
  final List<Object[]> visible = new ArrayList<>();
  final Map<String, List<Object[]>> staged = new HashMap<>();
  final Map<String, String> stagedCheckpoint = new HashMap<>();
  final AtomicInteger commits = new AtomicInteger();
  /** When set, the commit with this number (1-based) is applied and then throws: a crash right after commit. */
  volatile int crashAfterCommit = -1;

  @Override
  public CheckResult check() {
    return new CheckResult(List.of());
  }

  /** The UPSERT table: rows by key (column 0). */
  final java.util.TreeMap<Long, Object[]> upserted = new java.util.TreeMap<>();
  String upsertCheckpoint;

  @Override
  public StreamWriter openStream(WriteRequest request) {
    if (request.mode() == WriteMode.UPSERT) {
      return upsertWriter();
    }
    if (request.mode() != WriteMode.REPLACE) {
      throw new UnsupportedOperationException(request.mode().name());
    }
    String loadId = request.loadId();
    return new StreamWriter() {
      private final List<Object[]> pending = new ArrayList<>();

      @Override
      public Optional<String> committedCheckpoint() {
        synchronized (FakeDestination.this) {
          return Optional.ofNullable(stagedCheckpoint.get(loadId));
        }
      }

      @Override
      public void write(ChangeEvent event) {
        pending.add(event.values());
      }

      @Override
      public CommitResult commit(String checkpoint) {
        synchronized (FakeDestination.this) {
          staged.computeIfAbsent(loadId, k -> new ArrayList<>()).addAll(pending);
          stagedCheckpoint.put(loadId, checkpoint);
          long records = pending.size();
          pending.clear();
          if (commits.incrementAndGet() == crashAfterCommit) {
            throw new SluiceException(ErrorKind.INTERNAL, "simulated crash after commit " + crashAfterCommit);
          }
          return new CommitResult(records, 1, records * 16, "v" + commits.get());
        }
      }

      @Override
      public void publish() {
        synchronized (FakeDestination.this) {
          if (!staged.containsKey(loadId)) {
            return;
          }
          visible.clear();
          visible.addAll(staged.remove(loadId));
          stagedCheckpoint.remove(loadId);
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

  private StreamWriter upsertWriter() {
    return new StreamWriter() {
      private final List<Object[]> pending = new ArrayList<>();

      @Override
      public Optional<String> committedCheckpoint() {
        synchronized (FakeDestination.this) {
          return Optional.ofNullable(upsertCheckpoint);
        }
      }

      @Override
      public void write(ChangeEvent event) {
        pending.add(event.values());
      }

      @Override
      public CommitResult commit(String checkpoint) {
        synchronized (FakeDestination.this) {
          pending.forEach(row -> upserted.put((Long) row[0], row));
          upsertCheckpoint = checkpoint;
          long records = pending.size();
          pending.clear();
          if (commits.incrementAndGet() == crashAfterCommit) {
            throw new SluiceException(ErrorKind.INTERNAL, "simulated crash after commit " + crashAfterCommit);
          }
          return new CommitResult(records, 1, records, "v" + commits.get());
        }
      }

      @Override
      public void publish() {}

      @Override
      public void abort() {
        pending.clear();
      }

      @Override
      public void close() {}
    };
  }

  synchronized List<Long> visibleIds() {
    return visible.stream().map(row -> (Long) row[0]).sorted().toList();
  }

  @Override
  public void close() {}
}
