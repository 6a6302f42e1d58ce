package io.sluice.engine.progress;

import io.sluice.spi.StreamId;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live counters of one stream's sync, written by its reader and writer threads and read by the reporter.
 * Rows count as "read" when a reader hands them over and as "committed" when the destination made them durable.
 */
public final class StreamProgress {
  /** Where a stream is in its sync. */
  public enum Phase { WAITING, PLANNING, LOADING, PUBLISHING, STREAMING, DONE, FAILED }

  private final StreamId stream;
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WAITING);
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong rowsCommitted = new AtomicLong();
  private final AtomicLong changesCommitted = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicInteger chunksDone = new AtomicInteger();
  private final AtomicInteger chunksTotal = new AtomicInteger();
  private final AtomicLong estimatedRows = new AtomicLong(-1);
  private final AtomicReference<java.util.Map<String, Object>> position = new AtomicReference<>(java.util.Map.of());
  private final AtomicLong startedNanos = new AtomicLong();
  private final AtomicLong finishedNanos = new AtomicLong();

  public StreamProgress(StreamId stream) {
    this.stream = stream;
  }

  public StreamId stream() {
    return stream;
  }

  public Phase phase() {
    return phase.get();
  }

  public void phase(Phase next) {
    if (next == Phase.PLANNING && startedNanos.get() == 0) {
      startedNanos.set(System.nanoTime());
    }
    if (next == Phase.STREAMING) {
      finishedNanos.set(0); // a backfill's DONE is not the end of a change-log stream
    }
    if ((next == Phase.DONE || next == Phase.FAILED) && finishedNanos.get() == 0) {
      finishedNanos.set(System.nanoTime());
    }
    phase.set(next);
  }

  /** Called when a load starts or resumes: {@code alreadyDone} chunks and rows were committed by an earlier run. */
  public void plan(int totalChunks, int alreadyDone, long rowsAlreadyCommitted, long estimatedTotalRows) {
    chunksTotal.set(totalChunks);
    chunksDone.set(alreadyDone);
    rowsCommitted.set(rowsAlreadyCommitted);
    estimatedRows.set(estimatedTotalRows);
  }

  public void rowsRead(long rows, long bytes) {
    rowsRead.addAndGet(rows);
    bytesRead.addAndGet(bytes);
  }

  public void chunkCommitted(long rows) {
    chunksDone.incrementAndGet();
    rowsCommitted.addAndGet(rows);
  }

  /** Change-log events made durable by a checkpoint of this run. */
  public void changesCommitted(long events) {
    changesCommitted.addAndGet(events);
  }

  public long changesCommitted() {
    return changesCommitted.get();
  }

  /**
   * Records where the stream stands, for the stats endpoint: e.g. the saved cursor, the backlog measured at the
   * start of an incremental run, the log position of a change-log stream, when it last polled or committed.
   * Values are strings or numbers; the newest call replaces the keys it names and keeps the others.
   */
  public void position(java.util.Map<String, Object> facts) {
    position.updateAndGet(current -> {
      java.util.Map<String, Object> next = new java.util.TreeMap<>(current);
      next.putAll(facts);
      return java.util.Collections.unmodifiableMap(next);
    });
  }

  public java.util.Map<String, Object> position() {
    return position.get();
  }

  /** Rows read by this run (excludes rows committed by an earlier, interrupted run). */
  public long rowsRead() {
    return rowsRead.get();
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  /** Rows durable in the destination for the current load, including those of an earlier run. */
  public long rowsCommitted() {
    return rowsCommitted.get();
  }

  public int chunksDone() {
    return chunksDone.get();
  }

  public int chunksTotal() {
    return chunksTotal.get();
  }

  public long estimatedRows() {
    return estimatedRows.get();
  }

  /** Seconds since planning started (until the stream finished), 0 before it started. */
  public double elapsedSeconds() {
    long start = startedNanos.get();
    if (start == 0) {
      return 0;
    }
    long end = finishedNanos.get() == 0 ? System.nanoTime() : finishedNanos.get();
    return (end - start) / 1e9;
  }
}
