package dev.renderbank.generation;

/** A live job an operator should look at, and why: {@code unknown}, {@code overdue} or {@code quiet}. */
public record StuckJob(JobView job, String why, String providerTaskId) {}
