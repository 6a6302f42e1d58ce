package io.sluice.spi;

import java.util.List;
import java.util.Optional;

/** What {@link Source#discover()} found. */
public record Catalog(List<StreamDescriptor> streams) {
  public Catalog {
    streams = List.copyOf(streams);
  }

  public Optional<StreamDescriptor> find(StreamId id) {
    return streams.stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
