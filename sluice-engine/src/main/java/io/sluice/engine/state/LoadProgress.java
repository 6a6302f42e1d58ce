package io.sluice.engine.state;

import io.sluice.spi.Split;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot load in progress: its id (which the destination also knows), the plan it started with, and the
 * splits already committed. A resumed load reuses all three, provided the stream is still configured the same
 * way ({@code streamFingerprint}); otherwise the staged rows would not fit and a new load starts.
 */
public record LoadProgress(
    String loadId, String streamFingerprint, Instant startedAt, List<Split> splits, ChunkSet done, long rowsDone) {
  public LoadProgress {
    splits = List.copyOf(splits);
  }

  public LoadProgress withCheckpoint(Checkpoint checkpoint) {
    return new LoadProgress(loadId, streamFingerprint, startedAt, splits, checkpoint.done(), checkpoint.rows());
  }
}
