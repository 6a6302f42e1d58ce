package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.source.postgres.PostgresCatalogQueries.Table;
import io.sluice.source.postgres.PostgresColumnType.Kind;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a table into chunks of about {@code chunk_size_rows} rows that together hold every row exactly once,
 * also rows added after planning:
 *
 * <ul>
 *   <li>a table whose primary key is one {@code int2}/{@code int4}/{@code int8} column: key ranges dividing
 *       {@code [min, max]}; the first is unbounded below and the last unbounded above;
 *   <li>a table with any other primary key whose columns are all of the types {@link #KEY_SPAN_KINDS} lists (text,
 *       uuid, numeric, dates and timestamps, integers; one column or several) and whose first column follows the
 *       order rows are stored in ({@link #MIN_KEY_SPAN_CORRELATION}): key spans between boundaries taken from a
 *       sample of the table's keys ({@code TABLESAMPLE SYSTEM}), compared as a row in the key's order; again the
 *       first and the last are unbounded;
 *   <li>any other table: ranges of heap pages ({@code ctid}), the last unbounded; a partitioned table's ranges
 *       apply to every partition. Only PostgreSQL 14 and later can scan a page range without reading the whole
 *       table, so older servers read such a table as one chunk.
 * </ul>
 *
 * <p>Key ranges and spans come first because a row stays in its chunk when it is updated, so a load interrupted in
 * one process can go on in another, reading its remaining chunks in a new snapshot. With page ranges an update in
 * between can move a row from a range not yet read into one already committed (the row would be missed) or the
 * reverse (loaded twice), so such a load starts over instead ({@link PostgresSource#resumable}).
 *
 * <p>An empty table, or one that fits one chunk, is one chunk for the whole table.
 *
 * <p>Row counts come from the statistics ({@code reltuples} scaled to the table's current size, as the planner
 * does); a table never analyzed ({@code reltuples = -1}) is measured by counting the rows in its first pages.
 */
final class PostgresChunkPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresChunkPlanner.class);
  /** Pages counted to estimate the rows per page of a table without statistics. */
  private static final int SAMPLE_PAGES = 32;
  /** Rows per page assumed when there are no statistics and no cheap way to count (before PostgreSQL 14). */
  private static final double GUESSED_ROWS_PER_PAGE = 50;
  private static final int FIRST_VERSION_WITH_TID_RANGE_SCANS = 140000;

  /** Key column types whose order, row comparison and {@code ::text} round trip PostgreSQL keeps consistent. */
  static final java.util.Set<Kind> KEY_SPAN_KINDS = java.util.EnumSet.of(Kind.INT2, Kind.INT4, Kind.INT8,
      Kind.NUMERIC, Kind.TEXT, Kind.UUID, Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ);
  /**
   * How closely every key column must follow the order rows are stored in (|{@code pg_stats.correlation}| in every
   * partition) for key spans: a span of a key stored in random order (a uuid v4, a hash, a tenant id leading a
   * composite key) is spread over nearly every page, so each chunk would read most of the table.
   */
  static final double MIN_KEY_SPAN_CORRELATION = 0.9;
  /** Sampled keys per chunk boundary: enough that sampling whole pages still gives chunks of similar size. */
  private static final int SAMPLED_KEYS_PER_CHUNK = 200;
  private static final int MIN_SAMPLED_KEYS = 10_000;
  /** The sample is held in memory while boundaries are picked. */
  private static final int MAX_SAMPLED_KEYS = 1_000_000;

  /** Below this many rows per chunk, splitting a table for parallel readers costs more than it saves. */
  static final long MIN_ROWS_PER_PARALLEL_CHUNK = 50_000;

  private final int chunkSizeRows;
  private final int readers;

  /**
   * @param chunkSizeRows the target rows per chunk ({@code chunk_size_rows})
   * @param readers how many chunks of one table are read at once ({@code max_threads})
   */
  PostgresChunkPlanner(int chunkSizeRows, int readers) {
    this.chunkSizeRows = chunkSizeRows;
    this.readers = readers;
  }

  /**
   * How many chunks: enough to stay near {@code chunk_size_rows}, at least two per reader when the table is
   * big enough to split, and a multiple of the reader count, so that no reader is left alone with the last
   * chunk while the others idle (3 chunks on 2 readers take as long as 4).
   */
  long chunkCount(long rows) {
    long bySize = (rows + chunkSizeRows - 1) / chunkSizeRows;
    long forParallelism = Math.min(2L * readers, rows / MIN_ROWS_PER_PARALLEL_CHUNK);
    long count = Math.max(1, Math.max(bySize, forParallelism));
    if (count > 1 && readers > 1) {
      count = (count + readers - 1) / readers * readers;
    }
    return count;
  }

  /**
   * The chunks of a plan.
   *
   * @param estimatedRowsPerChunk a rough row count of each chunk, for progress reporting
   */
  record Plan(List<PostgresChunk> chunks, long estimatedRowsPerChunk) {}

  /** Plans {@code table}, whose columns (for the key's type) and primary key are given. */
  Plan plan(Connection connection, Table table, List<Column> columns, List<String> primaryKey) throws SQLException {
    int serverVersion = serverVersion(connection);
    Size size = measure(connection, table, serverVersion);
    long chunkCount = chunkCount(size.rows());
    if (size.rows() == 0 && size.largestPartPages() == 0) {
      return new Plan(List.of(new PostgresChunk.WholeTable()), 0);
    }
    Optional<Column> integerKey = integerKey(columns, primaryKey);
    if (integerKey.isPresent()) {
      return planKeyRanges(connection, table, integerKey.get().name(), chunkCount, size.rows());
    }
    if (chunkCount == 1 || size.largestPartPages() <= 1) {
      return new Plan(List.of(new PostgresChunk.WholeTable()), size.rows());
    }
    if (!primaryKey.isEmpty() && primaryKey.stream().allMatch(name -> columns.stream()
        .anyMatch(c -> c.name().equals(name) && KEY_SPAN_KINDS.contains(c.type().kind())))) {
      OptionalDouble correlation = keyCorrelation(connection, table, primaryKey);
      if (correlation.isPresent() && correlation.getAsDouble() >= MIN_KEY_SPAN_CORRELATION) {
        return planKeySpans(connection, table, primaryKey, chunkCount, size.rows());
      }
      LOG.info("{}: chunked by page ranges: its primary key is {} the order rows are stored in, so key spans would "
          + "each read most of the table's pages (a load interrupted in a new process starts over)", table,
          correlation.isPresent()
              ? String.format(java.util.Locale.ROOT, "not close to (correlation %.2f)", correlation.getAsDouble())
              : "not known (no statistics) to follow");
    }
    if (serverVersion < FIRST_VERSION_WITH_TID_RANGE_SCANS) {
      LOG.info("{}: reading as one chunk: the table has no integer primary key and PostgreSQL {} cannot scan page "
          + "ranges (14 and later can)", table, serverVersion / 10000);
      return new Plan(List.of(new PostgresChunk.WholeTable()), size.rows());
    }
    return planPageRanges(size, chunkCount);
  }

  private static Optional<Column> integerKey(List<Column> columns, List<String> primaryKey) {
    if (primaryKey.size() != 1) {
      return Optional.empty();
    }
    return columns.stream()
        .filter(c -> c.name().equals(primaryKey.get(0)))
        .filter(c -> c.type().kind() == Kind.INT2 || c.type().kind() == Kind.INT4 || c.type().kind() == Kind.INT8)
        .findFirst();
  }

  private Plan planKeyRanges(Connection connection, Table table, String key, long chunkCount, long rows)
      throws SQLException {
    String quotedKey = PostgresIdentifiers.quote(key);
    long min;
    long max;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT min(" + quotedKey + ")::int8, max(" + quotedKey
            + ")::int8 FROM " + table.quotedName())) {
      result.next();
      min = result.getLong(1);
      if (result.wasNull()) {
        return new Plan(List.of(new PostgresChunk.WholeTable()), 0);
      }
      max = result.getLong(2);
    }
    BigInteger range = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
    long count = range.min(BigInteger.valueOf(chunkCount)).longValueExact();
    if (count <= 1) {
      return new Plan(List.of(new PostgresChunk.WholeTable()), rows);
    }
    BigInteger[] quotient = range.add(BigInteger.valueOf(count - 1)).divideAndRemainder(BigInteger.valueOf(count));
    BigInteger step = quotient[0];
    List<PostgresChunk> chunks = new ArrayList<>();
    Long from = null;
    for (long i = 1; i < count; i++) {
      BigInteger bound = BigInteger.valueOf(min).add(step.multiply(BigInteger.valueOf(i)));
      if (bound.compareTo(BigInteger.valueOf(max)) > 0) {
        break;
      }
      long to = bound.longValueExact();
      chunks.add(new PostgresChunk.KeyRange(key, from, to));
      from = to;
    }
    chunks.add(new PostgresChunk.KeyRange(key, from, null));
    return new Plan(chunks, rows / chunks.size());
  }

  /**
   * Key spans between boundaries picked from a sample of the keys: whole pages sampled ({@code TABLESAMPLE
   * SYSTEM}, cheap on any size of table), sorted in the key's order, every n-th key a boundary. The sample only
   * decides how even the chunks are; together they hold every key whatever it returns.
   */
  private static Plan planKeySpans(Connection connection, Table table, List<String> key, long chunkCount,
      long rows) throws SQLException {
    long wanted = Math.min(MAX_SAMPLED_KEYS, Math.max(MIN_SAMPLED_KEYS, SAMPLED_KEYS_PER_CHUNK * chunkCount));
    double percent = Math.min(100, 100.0 * wanted / Math.max(1, rows));
    // Qualified: a bare ORDER BY "seq" would sort by an output column named seq (the text) if there were one,
    // not by the column in its own type.
    List<String> quoted = key.stream().map(column -> "sampled." + PostgresIdentifiers.quote(column)).toList();
    String select = String.join(", ", quoted.stream().map(column -> column + "::text").toList());
    List<List<String>> sample = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      // ISO dates read back as the same value whatever DateStyle the sessions reading the chunks use.
      statement.execute("SET DateStyle = 'ISO'");
      try (ResultSet result = statement.executeQuery("SELECT " + select + " FROM " + table.quotedName()
          + " AS sampled TABLESAMPLE SYSTEM (" + String.format(java.util.Locale.ROOT, "%.6f", percent) + ") ORDER BY "
          + String.join(", ", quoted))) {
        while (result.next()) {
          List<String> values = new ArrayList<>(key.size());
          for (int i = 1; i <= key.size(); i++) {
            values.add(result.getString(i));
          }
          sample.add(values);
        }
      }
    }
    List<List<String>> boundaries = new ArrayList<>();
    for (long i = 1; i < chunkCount && !sample.isEmpty(); i++) {
      List<String> boundary = sample.get((int) (i * sample.size() / chunkCount));
      // equal neighbours in a small sample would make an empty span
      if (boundaries.isEmpty() || !boundaries.get(boundaries.size() - 1).equals(boundary)) {
        boundaries.add(boundary);
      }
    }
    if (boundaries.isEmpty()) {
      return new Plan(List.of(new PostgresChunk.WholeTable()), rows);
    }
    List<PostgresChunk> chunks = new ArrayList<>();
    List<String> from = null;
    for (List<String> boundary : boundaries) {
      chunks.add(new PostgresChunk.KeySpan(key, from, boundary));
      from = boundary;
    }
    chunks.add(new PostgresChunk.KeySpan(key, from, null));
    LOG.debug("{}: {} key spans from {} sampled keys", table, chunks.size(), sample.size());
    return new Plan(chunks, rows / chunks.size());
  }

  /**
   * The smallest |correlation| of the key's columns over the table or its partitions; empty when a column lacks
   * statistics anywhere (it could be stored in any order there).
   */
  private static OptionalDouble keyCorrelation(Connection connection, Table table, List<String> key)
      throws SQLException {
    String sql = """
        SELECT count(*), min(abs(s.correlation)), count(s.correlation)
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN pg_catalog.unnest(?::text[]) AS k(name)
        LEFT JOIN pg_catalog.pg_stats s
          ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = k.name AND NOT s.inherited
        WHERE (c.oid = ?::oid AND c.relkind = 'r')
           OR c.oid IN (SELECT relid FROM pg_catalog.pg_partition_tree(?::oid) WHERE isleaf)
        """;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("text", key.toArray()));
      statement.setLong(2, table.oid());
      statement.setLong(3, table.oid());
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(3) == result.getLong(1) && result.getLong(1) > 0
            ? OptionalDouble.of(result.getDouble(2)) : OptionalDouble.empty();
      }
    }
  }

  private static Plan planPageRanges(Size size, long chunkCount) {
    long pagesPerChunk = Math.max(1, (size.largestPartPages() + chunkCount - 1) / chunkCount);
    List<PostgresChunk> chunks = new ArrayList<>();
    long from = 0;
    while (from + pagesPerChunk < size.largestPartPages()) {
      chunks.add(new PostgresChunk.PageRange(from, from + pagesPerChunk));
      from += pagesPerChunk;
    }
    chunks.add(new PostgresChunk.PageRange(from, null));
    return new Plan(chunks, size.rows() / chunks.size());
  }

  /**
   * @param rows estimated rows of the table (all partitions)
   * @param largestPartPages pages of the table, or of its largest partition
   */
  private record Size(long rows, long largestPartPages) {}

  private static Size measure(Connection connection, Table table, int serverVersion) throws SQLException {
    // A partitioned table stores nothing itself: its leaves do.
    String sql = """
        SELECT n.nspname, c.relname, c.relpages, c.reltuples,
               pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::int8
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE (c.oid = ?::oid AND c.relkind = 'r')
           OR c.oid IN (SELECT relid FROM pg_catalog.pg_partition_tree(?::oid) WHERE isleaf)
        """;
    long rows = 0;
    long largest = 0;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, table.oid());
      statement.setLong(2, table.oid());
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          long analyzedPages = result.getLong(3);
          double analyzedRows = result.getDouble(4);
          long pages = result.getLong(5);
          largest = Math.max(largest, pages);
          if (pages == 0) {
            continue;
          }
          double rowsPerPage;
          if (analyzedRows >= 0 && analyzedPages > 0) {
            rowsPerPage = analyzedRows / analyzedPages;
          } else {
            rowsPerPage = sampleRowsPerPage(connection, result.getString(1), result.getString(2), pages, serverVersion);
          }
          rows += Math.round(rowsPerPage * pages);
        }
      }
    }
    return new Size(rows, largest);
  }

  private static double sampleRowsPerPage(Connection connection, String schema, String name, long pages,
      int serverVersion) throws SQLException {
    if (serverVersion < FIRST_VERSION_WITH_TID_RANGE_SCANS) {
      return GUESSED_ROWS_PER_PAGE;
    }
    long sampled = Math.min(pages, SAMPLE_PAGES);
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM ONLY "
            + PostgresIdentifiers.quote(schema, name) + " WHERE ctid < '(" + sampled + ",0)'::tid")) {
      result.next();
      return (double) result.getLong(1) / sampled;
    }
  }

  static int serverVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::int")) {
      result.next();
      return result.getInt(1);
    }
  }
}
