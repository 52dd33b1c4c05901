export { Client, type ClientOptions, type EventsOptions, type StreamOptions } from './client';
export { HistoryApi } from './history';
export { PoolApi, type ClusterMessage } from './pool';
export * from '../api';
export * from '../errors';
export * from '../inference';
export * from '../models';
