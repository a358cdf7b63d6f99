package dev.renderbank.generation;

/** What "check at the provider now" found: the job before and after, and what happened in words. */
public record JobCheck(JobView before, JobView after, String note) {}
