package io.sluice.engine.sync;

import io.sluice.engine.pipeline.BoundedChannel;
import io.sluice.engine.progress.StreamProgress;
import io.sluice.spi.RowSink;

/** Collects a reader's rows into batches and puts each full batch into the lane's channel. One per split. */
final class BatchingRowSink implements RowSink {
  private final BoundedChannel<LaneItem> channel;
  private final StreamProgress progress;
  private final int batchRows;
  private Object[][] rows;
  private int count;
  private long bytes;
  private long wireBytes;

  BatchingRowSink(BoundedChannel<LaneItem> channel, StreamProgress progress, int batchRows) {
    this.channel = channel;
    this.progress = progress;
    this.batchRows = batchRows;
    this.rows = new Object[batchRows][];
  }

  @Override
  public void accept(Object[] row, int sizeBytes) throws InterruptedException {
    rows[count++] = row;
    wireBytes += sizeBytes;
    // the channel bounds heap, so it counts the Object[] and boxed values on top of the wire size
    bytes += sizeBytes + 16L + 16L * row.length;
    if (count == batchRows) {
      flush();
    }
  }

  /** Hands over the partial batch, if any. */
  void flush() throws InterruptedException {
    if (count == 0) {
      return;
    }
    channel.put(new LaneItem.Rows(rows, count), bytes);
    progress.rowsRead(count, wireBytes);
    rows = new Object[batchRows][];
    count = 0;
    bytes = 0;
    wireBytes = 0;
  }
}
