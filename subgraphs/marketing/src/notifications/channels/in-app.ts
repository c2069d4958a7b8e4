import type { ChannelAdapter } from './types';

/** In-app notifications are the stored notification itself: delivered as soon as it is stored. */
export const inAppAdapter: ChannelAdapter = {
  channel: 'in_app',
  deliver: async () => {},
};
