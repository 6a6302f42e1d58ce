package io.sluice.source.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Split;
import java.util.Optional;

/**
 * The rows one {@link Split} reads, and its JSON form (the split's descriptor, which the engine persists):
 *
 * <pre>
 * {"kind": "table"}                                            every row
 * {"kind": "pk", "column": "id", "from": 1, "to": 500001}      from &lt;= id &lt; to; no "from"/"to": unbounded
 * {"kind": "ctid", "from_page": 0, "to_page": 8192}            rows in heap pages [from_page, to_page); no "to_page": unbounded
 * </pre>
 *
 * <p>Each may also carry {@code "snapshot"}: the id of the snapshot exported when the plan was made.
 *
 * <p>Bounds are numbers the planner computed, so they can go into SQL text as literals (a COPY cannot take bind
 * parameters); the column name is quoted.
 */
sealed interface PostgresChunk {

  /** Stable, human-readable split id, e.g. {@code ctid:0..8192}, {@code pk:1..500001}, {@code pk:1000001..}. */
  String id();

  /** The {@code WHERE} condition selecting the chunk's rows, or empty for all rows. */
  Optional<String> predicate();

  ObjectNode toJson();

  /** Every row of the table. */
  record WholeTable() implements PostgresChunk {
    @Override
    public String id() {
      return "table";
    }

    @Override
    public Optional<String> predicate() {
      return Optional.empty();
    }

    @Override
    public ObjectNode toJson() {
      return JsonNodeFactory.instance.objectNode().put("kind", "table");
    }
  }

  /** Rows whose integer key is in {@code [from, to)}; a null bound is unbounded. */
  record KeyRange(String column, Long from, Long to) implements PostgresChunk {
    @Override
    public String id() {
      return "pk:" + (from == null ? "" : from) + ".." + (to == null ? "" : to);
    }

    @Override
    public Optional<String> predicate() {
      String quoted = PostgresIdentifiers.quote(column);
      if (from == null && to == null) {
        return Optional.empty();
      }
      if (from == null) {
        return Optional.of(quoted + " < " + to);
      }
      if (to == null) {
        return Optional.of(quoted + " >= " + from);
      }
      return Optional.of(quoted + " >= " + from + " AND " + quoted + " < " + to);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode().put("kind", "pk").put("column", column);
      if (from != null) {
        json.put("from", from);
      }
      if (to != null) {
        json.put("to", to);
      }
      return json;
    }
  }

  /**
   * Rows stored in heap pages {@code [fromPage, toPage)}; a null {@code toPage} is unbounded, so pages the table
   * grows after planning are read too. Efficient from PostgreSQL 14 on (TID range scans).
   */
  record PageRange(long fromPage, Long toPage) implements PostgresChunk {
    @Override
    public String id() {
      return "ctid:" + fromPage + ".." + (toPage == null ? "" : toPage);
    }

    @Override
    public Optional<String> predicate() {
      String lower = fromPage == 0 ? null : "ctid >= '(" + fromPage + ",0)'::tid";
      String upper = toPage == null ? null : "ctid < '(" + toPage + ",0)'::tid";
      if (lower == null && upper == null) {
        return Optional.empty();
      }
      if (lower == null || upper == null) {
        return Optional.of(lower == null ? upper : lower);
      }
      return Optional.of(lower + " AND " + upper);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode().put("kind", "ctid").put("from_page", fromPage);
      if (toPage != null) {
        json.put("to_page", toPage);
      }
      return json;
    }
  }

  /**
   * Reads a descriptor written by {@link #toJson()}.
   *
   * @throws SluiceException naming the split when the descriptor is not one this connector writes
   */
  static PostgresChunk fromJson(String splitId, JsonNode json) {
    String kind = json.path("kind").asText("");
    switch (kind) {
      case "table":
        return new WholeTable();
      case "pk":
        if (json.path("column").isTextual()) {
          return new KeyRange(json.get("column").asText(), optionalLong(json, "from"), optionalLong(json, "to"));
        }
        break;
      case "ctid":
        if (json.path("from_page").canConvertToLong()) {
          return new PageRange(json.get("from_page").asLong(), optionalLong(json, "to_page"));
        }
        break;
      default:
        break;
    }
    throw new SluiceException(ErrorKind.INTERNAL, "Cannot read split " + splitId + ": its descriptor " + json
        + " is not a postgres chunk (expected kind table, pk with column, or ctid with from_page)");
  }

  /** The exported snapshot a descriptor names, if any. */
  static Optional<String> snapshotOf(JsonNode json) {
    JsonNode snapshot = json.get("snapshot");
    return snapshot == null || !snapshot.isTextual() ? Optional.empty() : Optional.of(snapshot.asText());
  }

  private static Long optionalLong(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asLong();
  }
}
