package io.sluice.spi;

import java.util.Objects;

/**
 * What the engine asks a destination to open.
 *
 * @param stream the configured stream (columns, key, partitioning, destination name)
 * @param mode how to apply events
 * @param loadId identifies one load of the stream across process restarts: a resumed load passes the same id,
 *     so a {@link WriteMode#REPLACE} writer finds what it staged before the crash
 */
public record WriteRequest(StreamSpec stream, WriteMode mode, String loadId) {
  public WriteRequest {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(loadId, "loadId");
  }
}
