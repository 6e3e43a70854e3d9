// /properties: every stay, with its host, and "Message the host" on those the user does not own.
import Link from 'next/link';
import { requirePageUser } from '@/lib/auth/page-session';
import { db } from '@/lib/db';
import { listListings } from '@/lib/listings/listings';
import { ListingsHeader } from '@/components/listings/listings-header';
import { MessageHostButton } from '@/components/listings/message-host-button';

export const dynamic = 'force-dynamic';

export default async function PropertiesPage() {
  const user = await requirePageUser('/properties');
  const listings = await listListings(db, user.id);
  return (
    <div className="min-h-dvh">
      <ListingsHeader />
      <main className="mx-auto max-w-3xl p-4 sm:p-6">
        <h1 className="mb-4 text-2xl font-semibold tracking-tight">Stays</h1>
        {listings.length === 0 && <p className="text-slate-500 dark:text-slate-400">No stays yet.</p>}
        <ul className="grid gap-3 sm:grid-cols-2" aria-label="Stays">
          {listings.map((listing) => (
            <li
              key={listing.id}
              className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
              data-testid="listing"
            >
              <div>
                <Link
                  href={`/properties/${listing.id}`}
                  className="text-lg font-medium underline-offset-2 hover:underline"
                >
                  {listing.name}
                </Link>
                <p className="text-sm text-slate-600 dark:text-slate-300">
                  {listing.city ? `${listing.city} · ` : ''}Hosted by <bdi>{listing.owner.name}</bdi>
                </p>
              </div>
              {listing.ownedByYou ? (
                <p className="text-sm text-slate-500 dark:text-slate-400">Your property</p>
              ) : (
                <MessageHostButton
                  propertyId={listing.id}
                  label={listing.chatId ? 'Open your conversation' : 'Message the host'}
                />
              )}
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
