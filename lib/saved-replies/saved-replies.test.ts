// Quick replies on the real database: a host's own, in their order (moved up and down), with
// placeholders validated at the body; guests cannot keep any; another host's are NOT_FOUND and
// unchanged.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createUser } from '../../test/fixtures';
import { fillPlaceholders, savedReplyChangeSchema, savedReplyInputSchema, unknownPlaceholders } from './placeholders';
import { changeSavedReply, createSavedReply, deleteSavedReply, listSavedReplies } from './saved-replies';

describe('saved replies', () => {
  it('keeps a host’s replies in order, moves and changes them, and deletes them', async () => {
    const host = await createUser(db, 'OWNER');
    const a = await createSavedReply(db, host.id, { title: 'Welcome', body: 'Hi {guest_name}!' });
    const b = await createSavedReply(db, host.id, { title: 'Check-in', body: 'Check-in is at 3 pm.' });
    expect((await listSavedReplies(db, host.id)).map((r) => r.title)).toEqual(['Welcome', 'Check-in']);
    await changeSavedReply(db, host.id, b.id, { move: 'up' });
    expect((await listSavedReplies(db, host.id)).map((r) => r.title)).toEqual(['Check-in', 'Welcome']);
    await changeSavedReply(db, host.id, b.id, { move: 'up' }); // already first: nothing moves
    expect((await listSavedReplies(db, host.id)).map((r) => r.title)).toEqual(['Check-in', 'Welcome']);
    expect(await changeSavedReply(db, host.id, a.id, { body: 'Hello {guest_name}' })).toMatchObject({
      title: 'Welcome',
      body: 'Hello {guest_name}',
    });
    await deleteSavedReply(db, host.id, a.id);
    expect((await listSavedReplies(db, host.id)).map((r) => r.id)).toEqual([b.id]);
  });

  it('refuses guests, and another host’s reply, changing nothing', async () => {
    const host = await createUser(db, 'OWNER');
    const other = await createUser(db, 'OWNER');
    const guest = await createUser(db, 'GUEST');
    const reply = await createSavedReply(db, host.id, { title: 'Mine', body: 'text' });
    await expect(createSavedReply(db, guest.id, { title: 't', body: 'b' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(changeSavedReply(db, other.id, reply.id, { title: 'stolen' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(deleteSavedReply(db, other.id, reply.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db.savedReply.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({ title: 'Mine' });
  });
});

describe('placeholders', () => {
  it('fills the known ones and leaves anything else as written', () => {
    expect(
      fillPlaceholders('Hi {guest_name}, welcome to {property_name}! {host_name} {other}', {
        guest_name: 'Ana',
        property_name: 'the Cabin',
        host_name: 'Oscar',
      }),
    ).toBe('Hi Ana, welcome to the Cabin! Oscar {other}');
  });

  it('refuses an unknown placeholder at the body, and empty or overlong fields', () => {
    expect(unknownPlaceholders('{guest} and {guest_name} and {guest}')).toEqual(['guest']);
    const unknown = savedReplyInputSchema.safeParse({ title: 'T', body: 'Hi {guest}' });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]).toMatchObject({ path: ['body'] });
    expect(unknown.error!.issues[0]!.message).toContain('{guest}');
    expect(savedReplyInputSchema.safeParse({ title: '', body: 'x' }).success).toBe(false);
    expect(savedReplyInputSchema.safeParse({ title: 't', body: 'x'.repeat(2001) }).success).toBe(false);
    expect(savedReplyChangeSchema.safeParse({}).success).toBe(false);
  });
});
