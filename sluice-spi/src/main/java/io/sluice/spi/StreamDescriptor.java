package io.sluice.spi;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A stream as discovered in the source.
 *
 * @param id where it lives in the source
 * @param columns all columns, in source order
 * @param primaryKey the source's key columns, in key order; empty when the table has none
 * @param syncModes the modes this source can offer for this stream
 * @param notes facts a user should know before choosing a mode (e.g. "cursor sync does not see deletes")
 */
public record StreamDescriptor(
    StreamId id, List<Column> columns, List<String> primaryKey, Set<SyncMode> syncModes, List<String> notes) {
  public StreamDescriptor {
    Objects.requireNonNull(id, "id");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    syncModes = Set.copyOf(syncModes);
    notes = List.copyOf(notes);
  }
}
