package dev.renderbank.generation;

import java.util.List;

/** One page of a user's jobs, newest first; {@code nextCursor} is null on the last page. */
public record JobPage(List<JobView> items, String nextCursor) {}
