package io.sluice.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One independently readable piece of a stream's snapshot (a CTID page range, a key range, a whole table).
 *
 * <p>The engine persists splits in the state file so that a resumed load reads exactly the plan it started
 * with; {@code descriptor} is therefore plain JSON that the source alone interprets.
 *
 * @param id stable, human-readable id, unique within the stream's plan (e.g. {@code ctid:0-4096})
 * @param descriptor the source's own description of the split
 * @param estimatedRows a rough row count for progress reporting; -1 when unknown
 */
public record Split(String id, JsonNode descriptor, long estimatedRows) {
  public Split {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(descriptor, "descriptor");
  }
}
