package io.sluice.engine.state;

import java.util.Optional;

/**
 * What the state file holds for one stream: a snapshot load in progress, the last completed load, the
 * progress of incremental reads, and the stream's place in the change log.
 */
public record StreamState(
    Optional<LoadProgress> load, Optional<CompletedLoad> lastCompletedLoad,
    Optional<IncrementalProgress> incremental, Optional<ChangeLogProgress> changeLog) {
  public static final StreamState EMPTY =
      new StreamState(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public StreamState withLoad(LoadProgress progress) {
    return new StreamState(Optional.of(progress), lastCompletedLoad, incremental, changeLog);
  }

  public StreamState completed(CompletedLoad completed) {
    return new StreamState(Optional.empty(), Optional.of(completed), incremental, changeLog);
  }

  public StreamState withIncremental(IncrementalProgress progress) {
    return new StreamState(load, lastCompletedLoad, Optional.of(progress), changeLog);
  }

  public StreamState withChangeLog(ChangeLogProgress progress) {
    return new StreamState(load, lastCompletedLoad, incremental, Optional.of(progress));
  }

  /** Forgets the stream's load and log position, so its next sync starts over with a backfill. */
  public StreamState resynced() {
    return new StreamState(Optional.empty(), lastCompletedLoad, Optional.empty(), Optional.empty());
  }
}
