package io.sluice.bench.chaos;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A table's content reduced to what a comparison needs: each row as one canonical text keyed by id, the row
 * count, keys seen twice, and an order-independent checksum (the sum of each row's SHA-256 prefix), so two
 * tables are compared without sorting either and the first differing keys can still be named.
 */
final class TableChecksum {
  private final Map<Long, String> rows = new TreeMap<>();
  private final List<Long> duplicates = new ArrayList<>();
  private long checksum;

  /** Adds one row: its key and every column, timestamps as instants, decimals in plain notation. */
  void add(long id, Object... columns) {
    StringBuilder text = new StringBuilder().append(id);
    for (Object column : columns) {
      text.append('|').append(canonical(column));
    }
    String row = text.toString();
    if (rows.put(id, row) != null) {
      duplicates.add(id);
    }
    checksum += prefix(row);
  }

  private static String canonical(Object value) {
    if (value instanceof OffsetDateTime time) {
      return time.toInstant().toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    return Objects.toString(value, "\\N");
  }

  private static long prefix(String row) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(row.getBytes(StandardCharsets.UTF_8));
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | (digest[i] & 0xff);
      }
      return value;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  long count() {
    return rows.size() + duplicates.size();
  }

  long checksum() {
    return checksum;
  }

  /** Whether {@code other} holds the same rows, each once. */
  boolean sameAs(TableChecksum other) {
    return duplicates.isEmpty() && other.duplicates.isEmpty() && count() == other.count()
        && checksum == other.checksum && rows.equals(other.rows);
  }

  /** Up to {@code limit} keys whose rows differ (missing on one side, different, or duplicated here). */
  List<String> firstDifferences(TableChecksum expected, int limit) {
    List<String> differences = new ArrayList<>();
    for (Long id : duplicates) {
      if (differences.size() < limit) {
        differences.add("id " + id + " twice in the destination");
      }
    }
    for (Map.Entry<Long, String> row : expected.rows.entrySet()) {
      if (differences.size() >= limit) {
        break;
      }
      String actual = rows.get(row.getKey());
      if (actual == null) {
        differences.add("id " + row.getKey() + " missing: source has " + row.getValue());
      } else if (!actual.equals(row.getValue())) {
        differences.add("id " + row.getKey() + " differs: source " + row.getValue() + ", destination " + actual);
      }
    }
    for (Long id : rows.keySet()) {
      if (differences.size() >= limit) {
        break;
      }
      if (!expected.rows.containsKey(id)) {
        differences.add("id " + id + " not in the source: destination has " + rows.get(id));
      }
    }
    return differences;
  }
}
