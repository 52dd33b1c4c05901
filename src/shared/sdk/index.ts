export { Client, type ClientOptions, type EventsOptions, type StreamOptions } from './client';
export * from '../api';
export * from '../errors';
export * from '../inference';
export * from '../models';
