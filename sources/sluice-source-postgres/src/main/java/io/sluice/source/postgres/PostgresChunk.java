package io.sluice.source.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rows one {@link Split} reads, and its JSON form (the split's descriptor, which the engine persists):
 *
 * <pre>
 * {"kind": "table"}                                            every row
 * {"kind": "pk", "column": "id", "from": 1, "to": 500001}      from &lt;= id &lt; to; no "from"/"to": unbounded
 * {"kind": "keys", "columns": ["region", "id"],
 *  "from": ["eu", "7f3e..."], "to": ["us", "0a1b..."]}          from &lt;= (region, id) &lt; to, in the key's order
 * {"kind": "ctid", "from_page": 0, "to_page": 8192}            rows in heap pages [from_page, to_page); no "to_page": unbounded
 * </pre>
 *
 * <p>Each may also carry {@code "snapshot"}: the id of the snapshot exported when the plan was made.
 *
 * <p>Integer bounds are numbers the planner computed, so they go into SQL text as they are (a COPY cannot take bind
 * parameters); {@code keys} bounds are the key values as PostgreSQL prints them, which go into SQL as quoted
 * literals cast to each column's current type ({@link PostgresLiterals#quoted}), so a descriptor edited in the state
 * file can change which rows a chunk reads but never the statement. Column names are quoted.
 */
sealed interface PostgresChunk {

  /** Stable, human-readable split id, e.g. {@code ctid:0..8192}, {@code pk:1..500001}, {@code pk:1000001..}. */
  String id();

  /**
   * The {@code WHERE} condition selecting the chunk's rows, or empty for all rows.
   *
   * @param columnTypes a column's current type as {@code format_type} renders it, for the casts of literal bounds
   */
  Optional<String> predicate(Function<String, String> columnTypes);

  ObjectNode toJson();

  /** Every row of the table. */
  record WholeTable() implements PostgresChunk {
    @Override
    public String id() {
      return "table";
    }

    @Override
    public Optional<String> predicate(Function<String, String> columnTypes) {
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
    public Optional<String> predicate(Function<String, String> columnTypes) {
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
   * Rows whose primary key, compared as a row in the key's column order (the order of its index), is in
   * {@code [from, to)}; a null bound is unbounded. The bounds hold one value per key column, as PostgreSQL prints
   * it ({@code ::text} with {@code DateStyle} ISO, which reads back as the same value).
   */
  record KeySpan(List<String> columns, List<String> from, List<String> to) implements PostgresChunk {
    public KeySpan {
      columns = List.copyOf(columns);
      from = from == null ? null : List.copyOf(from);
      to = to == null ? null : List.copyOf(to);
      for (List<String> bound : java.util.Arrays.asList(from, to)) {
        if (bound != null && bound.size() != columns.size()) {
          throw new IllegalArgumentException("a bound of " + bound.size() + " values for a key of "
              + columns.size() + " columns");
        }
      }
    }

    /** Longest id before the bounds are shortened to a prefix and a hash of the whole. */
    private static final int MAX_ID_LENGTH = 100;

    @Override
    public String id() {
      String id = "keys:" + (from == null ? "" : String.join(",", from)) + ".." + (to == null ? "" : String.join(",", to));
      if (id.length() <= MAX_ID_LENGTH) {
        return id;
      }
      // Long text keys would make long ids; a prefix and a hash of the whole stay readable and unique.
      return id.substring(0, MAX_ID_LENGTH - 17) + "~" + sha256Prefix(id);
    }

    private static String sha256Prefix(String text) {
      try {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest, 0, 8);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-256", e);
      }
    }

    @Override
    public Optional<String> predicate(Function<String, String> columnTypes) {
      String key = row(columns.stream().map(PostgresIdentifiers::quote).toList());
      String lower = from == null ? null : key + " >= " + literals(from, columnTypes);
      String upper = to == null ? null : key + " < " + literals(to, columnTypes);
      if (lower == null || upper == null) {
        return Optional.ofNullable(lower == null ? upper : lower);
      }
      return Optional.of(lower + " AND " + upper);
    }

    private String literals(List<String> values, Function<String, String> columnTypes) {
      List<String> literals = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        literals.add(PostgresLiterals.quoted(values.get(i)) + "::" + columnTypes.apply(columns.get(i)));
      }
      return row(literals);
    }

    /** One column as itself, several as a row value: {@code (a, b) >= (x, y)} compares them in order. */
    private static String row(List<String> items) {
      return items.size() == 1 ? items.get(0) : "(" + String.join(", ", items) + ")";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode().put("kind", "keys");
      columns.forEach(json.putArray("columns")::add);
      if (from != null) {
        from.forEach(json.putArray("from")::add);
      }
      if (to != null) {
        to.forEach(json.putArray("to")::add);
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
    public Optional<String> predicate(Function<String, String> columnTypes) {
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
      case "keys":
        Optional<List<String>> columns = texts(json.get("columns"));
        Optional<List<String>> from = texts(json.get("from"));
        Optional<List<String>> to = texts(json.get("to"));
        if (columns.isPresent() && !columns.get().isEmpty() && (from.isPresent() || json.get("from") == null)
            && (to.isPresent() || json.get("to") == null)
            && from.map(List::size).orElse(columns.get().size()) == columns.get().size()
            && to.map(List::size).orElse(columns.get().size()) == columns.get().size()) {
          return new KeySpan(columns.get(), from.orElse(null), to.orElse(null));
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
        + " is not a postgres chunk (expected kind table, pk with column, keys with columns and bounds of as many "
        + "strings, or ctid with from_page)");
  }

  /** The exported snapshot a descriptor names, if any. */
  static Optional<String> snapshotOf(JsonNode json) {
    JsonNode snapshot = json.get("snapshot");
    return snapshot == null || !snapshot.isTextual() ? Optional.empty() : Optional.of(snapshot.asText());
  }

  /** The strings of a JSON array of strings; empty when {@code json} is anything else. */
  private static Optional<List<String>> texts(JsonNode json) {
    if (json == null || !json.isArray()) {
      return Optional.empty();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode item : json) {
      if (!item.isTextual()) {
        return Optional.empty();
      }
      texts.add(item.asText());
    }
    return Optional.of(texts);
  }

  private static Long optionalLong(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asLong();
  }
}
