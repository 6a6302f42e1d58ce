package io.sluice.engine.state;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole state file: per-stream state keyed by the source stream id ({@code schema.table}), and the identity of
 * the source it belongs to ({@link io.sluice.spi.Source#identity()}), so one source's positions are never applied
 * to another. Immutable.
 */
public record SyncState(Map<String, StreamState> streams, Optional<String> source) {
  public static final SyncState EMPTY = new SyncState(Map.of(), Optional.empty());

  public SyncState {
    streams = Map.copyOf(streams);
  }

  public SyncState(Map<String, StreamState> streams) {
    this(streams, Optional.empty());
  }

  public StreamState stream(String key) {
    return Optional.ofNullable(streams.get(key)).orElse(StreamState.EMPTY);
  }

  public SyncState with(String key, StreamState state) {
    Map<String, StreamState> copy = new TreeMap<>(streams);
    copy.put(key, state);
    return new SyncState(copy, source);
  }

  public SyncState withSource(String identity) {
    return new SyncState(streams, Optional.of(identity));
  }
}
