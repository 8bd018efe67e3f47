/** @delta-serverless/lambda: Lambda handlers for Delta tables on S3. */
export {};
