import { DEV_PROTECTION_ENV } from '@casino/crypto';
import { createProtector, createServiceClients, parseSubgraphEnv, subgraphJobs } from '@casino/server';
import { createLogger } from '@casino/logger';
import { connectMongo, ensureIndexes } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';
import { readProcessEnv } from '@casino/config';
import { startScheduler } from '@casino/scheduler';
import { createMarketingSubgraph } from '../index';
import { MARKETING_INDEXES } from '../indexes';
import { DEFAULT_MARKETING_SETTINGS } from '../settings';
import { uniqueDatabase } from '@casino/testing';
import type { NotificationDocument } from './notification-store';
import { NOTIFICATIONS } from './notification-store';

describe('the notification dispatch background job', () => {
  let mongo: MongoConnection;
  beforeAll(async () => {
    mongo = await connectMongo({
      uri: readProcessEnv().MONGODB_URI!,
      database: uniqueDatabase('marketing'),
      appName: 'test',
    });
    await ensureIndexes(mongo.db, MARKETING_INDEXES);
  });
  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it('sends due notifications on its own and stops cleanly', async () => {
    const now = new Date();
    const due: NotificationDocument = {
      id: '90000000-0000-4000-8000-000000000001',
      template_id: null,
      recipient_type: 'system',
      recipient_id: null,
      recipient_email: null,
      recipient_phone: null,
      title: 'Due',
      content: 'Now',
      category: 'system',
      priority: 'normal',
      channels: ['in_app'],
      status: 'pending',
      scheduled_at: now,
      sent_at: null,
      delivered_at: null,
      read_at: null,
      metadata: {},
      created_at: now,
      due_at: now,
      status_history: [{ status: 'pending', at: now }],
    };
    const later = {
      ...due,
      id: '90000000-0000-4000-8000-000000000002',
      due_at: new Date(now.getTime() + 3_600_000),
    };
    const notifications = mongo.db.collection<NotificationDocument>(NOTIFICATIONS);
    await notifications.insertMany([{ ...due }, { ...later }]);

    const definition = createMarketingSubgraph({ ...DEFAULT_MARKETING_SETTINGS, dispatchIntervalMs: 100 });
    const env = parseSubgraphEnv(definition, {
      MONGODB_URI: readProcessEnv().MONGODB_URI,
      ...DEV_PROTECTION_ENV,
      OUTBOX_MAX_ATTEMPTS: '10',
    });
    const jobs = await startScheduler({
      db: mongo.db,
      jobs: subgraphJobs(definition, {
        db: mongo.db,
        env,
        logger: createLogger({ name: 'marketing', level: 'silent' }),
        paging: { defaultSize: 20, maxSize: 200 },
        services: createServiceClients('marketing', env),
        protector: createProtector(definition, env),
      }),
    });
    try {
      const deadline = Date.now() + 5_000;
      while ((await notifications.findOne({ id: due.id }))?.status !== 'delivered') {
        if (Date.now() > deadline) throw new Error('the job did not send the due notification');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await jobs.stop();
    }
    expect((await notifications.findOne({ id: later.id }))?.status).toBe('pending');
  });
});
