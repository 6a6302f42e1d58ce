package io.sluice.engine.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A change-log stream's place in the log ({@code cdc} and {@code cdc_only}).
 *
 * @param position the source's log position up to which this stream's changes are durable in the destination
 *     (opaque; only the source orders positions). Before the backfill is done, it is the pin the replay will
 *     start from
 * @param backfilled whether the stream's backfill is complete (always true for {@code cdc_only})
 * @param lastCommitAt when a checkpoint last moved the position, if ever
 */
public record ChangeLogProgress(String position, boolean backfilled, Optional<Instant> lastCommitAt) {
  public ChangeLogProgress {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(lastCommitAt, "lastCommitAt");
  }

  public ChangeLogProgress backfillDone() {
    return new ChangeLogProgress(position, true, lastCommitAt);
  }

  public ChangeLogProgress at(String newPosition, Instant at) {
    return new ChangeLogProgress(newPosition, backfilled, Optional.of(at));
  }
}
