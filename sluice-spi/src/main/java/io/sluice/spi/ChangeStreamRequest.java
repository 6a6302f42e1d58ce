package io.sluice.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine asks {@link ChangeLogSource#open} for.
 *
 * @param streams the streams to read, as configured (columns in value order)
 * @param positions each stream's resume position: the stream's events at or before it were applied already
 *     and are skipped; the log is read from the oldest of them. Every stream has one
 * @param bounded whether to stop at the log's end as of opening ({@link ChangeBatch#endReached()}), for a
 *     run that catches up and exits; otherwise the stream runs until closed
 */
public record ChangeStreamRequest(List<StreamSpec> streams, Map<StreamId, String> positions, boolean bounded) {
  public ChangeStreamRequest {
    streams = List.copyOf(streams);
    positions = Map.copyOf(positions);
    for (StreamSpec stream : streams) {
      Objects.requireNonNull(positions.get(stream.source()), () -> "no position for " + stream.source());
    }
  }
}
