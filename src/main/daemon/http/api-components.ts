import type { z } from 'zod';
import * as api from '../../../shared/api-schemas';
import * as conversations from '../../../shared/conversations';
import * as hosts from '../../../shared/host-schemas';
import * as models from '../../../shared/model-schemas';
import * as openai from '../../../shared/openai';
import * as openaiReplies from '../../../shared/openai-replies';
import * as requests from '../../../shared/schemas';
import * as status from '../../../shared/status-schemas';
import * as workers from '../../../shared/worker-schemas';

/**
 * The schemas the API document names (components.schemas) and refers to by `$ref`: the bodies
 * and the answers, and the agent's objects they hold. A schema not listed is written out where
 * it is used.
 */
export const COMPONENTS: Record<string, z.ZodType> = {
  ErrorResponse: api.ErrorResponseSchema,
  ErrorBody: api.ErrorBodySchema,
  TaskRequest: requests.TaskRequestSchema,
  TaskAccepted: api.TaskAcceptedSchema,
  JobRecord: api.JobRecordSchema,
  JobList: api.JobListSchema,
  ChatCompletionRequest: openai.ChatCompletionRequestSchema,
  CompletionRequest: openai.CompletionRequestSchema,
  OpenAiModelList: openaiReplies.OpenAiModelListSchema,
  ChatCompletion: openaiReplies.ChatCompletionSchema,
  TextCompletion: openaiReplies.TextCompletionSchema,
  ModelInfo: api.ModelInfoSchema,
  ModelsResponse: api.ModelsResponseSchema,
  WorkerInfo: api.WorkerInfoSchema,
  WorkersResponse: api.WorkersResponseSchema,
  WorkerLogLines: api.WorkerLogLinesSchema,
  DaemonInfo: api.DaemonInfoSchema,
  AddHostRequest: hosts.AddHostSchema,
  TrustHostRequest: hosts.TrustHostSchema,
  HostInfo: hosts.HostInfoSchema,
  HostsResponse: hosts.HostsResponseSchema,
  SshAliasesResponse: hosts.SshAliasesResponseSchema,
  AgentVersionResponse: hosts.AgentVersionResponseSchema,
  HostStatusResponse: status.StatusLineSchema,
  Gpu: status.GpuSchema,
  ProbeReport: status.ProbeReportSchema,
  ModelEntry: status.ModelEntrySchema,
  ModelDetails: models.ModelDetailsSchema,
  HostModelsResponse: hosts.HostModelsResponseSchema,
  VerifyResponse: models.VerifiedLineSchema,
  UploadResponse: hosts.UploadResponseSchema,
  StartDownloadRequest: hosts.StartDownloadSchema,
  DownloadState: models.DownloadStateSchema,
  DownloadsResponse: hosts.DownloadsResponseSchema,
  StartDownloadResponse: hosts.StartDownloadResponseSchema,
  SpawnWorkerRequest: hosts.SpawnWorkerSchema,
  WorkerEntry: workers.WorkerEntrySchema,
  HostWorkersResponse: hosts.HostWorkersResponseSchema,
  SpawnWorkerResponse: hosts.SpawnWorkerResponseSchema,
  PutConversationRequest: conversations.PutConversationSchema,
  PutMessageRequest: conversations.PutMessageSchema,
  ImportConversationsRequest: conversations.ImportConversationsSchema,
  ReplyStats: conversations.ReplyStatsSchema,
  StoredMessage: conversations.StoredMessageSchema,
  ConversationSummary: conversations.ConversationSummarySchema,
  ConversationsResponse: conversations.ConversationsResponseSchema,
  ConversationResponse: conversations.ConversationResponseSchema,
  Settings: conversations.SettingsSchema,
  JsonValue: conversations.JsonValueSchema,
};
