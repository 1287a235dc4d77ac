-- CreateIndex
CREATE INDEX "review_items_reasons_idx" ON "review_items" USING GIN ("reasons");

-- CreateIndex
CREATE INDEX "review_items_claimed_by_idx" ON "review_items"("claimed_by");
