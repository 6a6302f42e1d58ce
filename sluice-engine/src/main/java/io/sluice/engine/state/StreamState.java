package io.sluice.engine.state;

import java.util.Optional;

/** What the state file holds for one stream. */
public record StreamState(Optional<LoadProgress> load, Optional<CompletedLoad> lastCompletedLoad) {
  public static final StreamState EMPTY = new StreamState(Optional.empty(), Optional.empty());

  public StreamState withLoad(LoadProgress progress) {
    return new StreamState(Optional.of(progress), lastCompletedLoad);
  }

  public StreamState completed(CompletedLoad completed) {
    return new StreamState(Optional.empty(), Optional.of(completed));
  }
}
