package io.sluice.spi;

import java.util.Objects;

/**
 * What the engine asks a destination to open.
 *
 * <p>Streams synced by {@link SyncMode#CDC} or {@link SyncMode#CDC_ONLY} get the change metadata columns after
 * their own: {@code _sluice_op} (the {@link Operation}, lower case), {@code _sluice_source_ts} (the change's
 * commit time in the source, {@link ChangeEvent#sourceTimestamp()}) and {@code _sluice_synced_at} (when the
 * destination wrote it), plus {@code _sluice_deleted} where the destination keeps deleted rows flagged. Other
 * modes get none.
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
