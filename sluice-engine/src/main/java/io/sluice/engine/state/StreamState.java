package io.sluice.engine.state;

import java.util.Optional;

/**
 * What the state file holds for one stream: a snapshot load in progress, the last completed load, and the
 * progress of incremental reads.
 */
public record StreamState(
    Optional<LoadProgress> load, Optional<CompletedLoad> lastCompletedLoad,
    Optional<IncrementalProgress> incremental) {
  public static final StreamState EMPTY = new StreamState(Optional.empty(), Optional.empty(), Optional.empty());

  public StreamState withLoad(LoadProgress progress) {
    return new StreamState(Optional.of(progress), lastCompletedLoad, incremental);
  }

  public StreamState completed(CompletedLoad completed) {
    return new StreamState(Optional.empty(), Optional.of(completed), incremental);
  }

  public StreamState withIncremental(IncrementalProgress progress) {
    return new StreamState(load, lastCompletedLoad, Optional.of(progress));
  }
}
