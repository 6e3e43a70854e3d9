// /properties/:id: one stay, its host, and "Message the host" (not for its owner).
import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/auth/page-session';
import { db } from '@/lib/db';
import { AppError } from '@/lib/errors';
import { getListing, type Listing } from '@/lib/listings/listings';
import { ListingsHeader } from '@/components/listings/listings-header';
import { MessageHostButton } from '@/components/listings/message-host-button';

export const dynamic = 'force-dynamic';

export default async function PropertyPage({ params }: { params: Promise<{ propertyId: string }> }) {
  const { propertyId } = await params;
  const user = await requirePageUser(`/properties/${propertyId}`);
  let listing: Listing;
  try {
    listing = await getListing(db, user.id, propertyId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
  return (
    <div className="min-h-dvh">
      <ListingsHeader />
      <main className="mx-auto flex max-w-2xl flex-col gap-4 p-4 sm:p-6">
        <h1 className="text-3xl font-semibold tracking-tight">{listing.name}</h1>
        <p className="text-slate-600 dark:text-slate-300">
          {listing.city ? `${listing.city} · ` : ''}Hosted by <bdi data-testid="host-name">{listing.owner.name}</bdi>
        </p>
        {listing.ownedByYou ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            This is your property: guests write to you from here.
          </p>
        ) : (
          <div>
            <MessageHostButton propertyId={listing.id} />
          </div>
        )}
      </main>
    </div>
  );
}
