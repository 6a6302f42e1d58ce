package io.sluice.engine.state;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The whole state file: per-stream state keyed by the source stream id ({@code schema.table}). Immutable. */
public record SyncState(Map<String, StreamState> streams) {
  public static final SyncState EMPTY = new SyncState(Map.of());

  public SyncState {
    streams = Map.copyOf(streams);
  }

  public StreamState stream(String key) {
    return Optional.ofNullable(streams.get(key)).orElse(StreamState.EMPTY);
  }

  public SyncState with(String key, StreamState state) {
    Map<String, StreamState> copy = new TreeMap<>(streams);
    copy.put(key, state);
    return new SyncState(copy);
  }
}
