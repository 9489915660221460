/**
 * The process's Prometheus registry and the seed's metrics. Every module registers on this one
 * registry so GET /metrics shows everything (HTTP, indexing, productions, LLM, queues).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const one = <T>(name: string, make: () => T): T => (metricsRegistry.getSingleMetric(name) as T | undefined) ?? make();

export const clipsIndexedTotal = one("clips_indexed_total", () => new Counter({ name: "clips_indexed_total", help: "Clips indexed, by outcome", labelNames: ["outcome"], registers: [metricsRegistry] }));
export const productionsCreatedTotal = one("productions_created_total", () => new Counter({ name: "productions_created_total", help: "Productions created", registers: [metricsRegistry] }));
export const productionsFailedTotal = one("productions_failed_total", () => new Counter({ name: "productions_failed_total", help: "Productions that failed", registers: [metricsRegistry] }));
export const indexingDurationSeconds = one("indexing_duration_seconds", () => new Histogram({ name: "indexing_duration_seconds", help: "Wall time to index one clip", buckets: [0.5, 1, 2, 5, 10, 20, 40, 80, 160], registers: [metricsRegistry] }));
export const productionDurationSeconds = one("production_duration_seconds", () => new Histogram({ name: "production_duration_seconds", help: "Wall time of one production run", buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 2400], registers: [metricsRegistry] }));
export const activeWorkers = one("active_workers", () => new Gauge({ name: "active_workers", help: "Jobs being worked on now", labelNames: ["queue_name"], registers: [metricsRegistry] }));
export const queueSize = one("queue_size", () => new Gauge({ name: "queue_size", help: "Jobs waiting per queue", labelNames: ["queue_name"], registers: [metricsRegistry] }));
export const clipsInDatabase = one("clips_in_database", () => new Gauge({ name: "clips_in_database", help: "Clips in the library", registers: [metricsRegistry] }));
export const httpRequestDurationSeconds = one("http_request_duration_seconds", () => new Histogram({ name: "http_request_duration_seconds", help: "HTTP request latency", labelNames: ["method", "route", "status"], buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [metricsRegistry] }));
export const httpRequestsTotal = one("http_requests_total", () => new Counter({ name: "http_requests_total", help: "HTTP requests", labelNames: ["method", "route", "status"], registers: [metricsRegistry] }));
