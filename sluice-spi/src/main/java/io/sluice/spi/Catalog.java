package io.sluice.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link Source#discover()} found.
 *
 * @param streams the streams the configured user can read
 * @param unreadable streams the source can see but the configured user cannot read, each with why and what grants
 *     access (e.g. "role etl lacks SELECT on table public.payroll; run GRANT SELECT ON ..."), so that a streams
 *     file naming one fails with that reason instead of "does not exist"; empty when the source cannot tell
 */
public record Catalog(List<StreamDescriptor> streams, Map<StreamId, String> unreadable) {
  public Catalog {
    streams = List.copyOf(streams);
    unreadable = Map.copyOf(unreadable);
  }

  /** A catalog of readable streams only. */
  public Catalog(List<StreamDescriptor> streams) {
    this(streams, Map.of());
  }

  public Optional<StreamDescriptor> find(StreamId id) {
    return streams.stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
